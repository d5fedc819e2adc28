/** Menu wiring: every document item sends its command to the renderer; Open Recent opens files. */
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate, type MenuActions } from '../../electron/desktop/menu';

function setup(platform: NodeJS.Platform = 'linux', recent: string[] = ['/home/u/a.json', '/home/u/b.json']) {
  const actions = {
    platform,
    isPackaged: true,
    recent,
    command: vi.fn(),
    openRecent: vi.fn(),
    clearRecent: vi.fn(),
    showDataFolder: vi.fn(),
    about: vi.fn(),
  } satisfies MenuActions;
  const template = buildMenuTemplate(actions);
  const menu = (label: string) => template.find((m) => m.label?.replace('&', '') === label)!.submenu as MenuItemConstructorOptions[];
  const click = (item: MenuItemConstructorOptions | undefined) => (item!.click as () => void)();
  return { actions, template, menu, click };
}

describe('application menu', () => {
  it('has File, Edit, View and Help on Linux and Windows (and the app menu on macOS)', () => {
    expect(setup().template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    expect(setup('darwin').template[0]).toEqual({ role: 'appMenu' });
  });

  it('sends the right command for each File, Edit and View item', () => {
    const { actions, menu, click } = setup();
    const expected: Record<string, string> = {
      New: 'new',
      'Open…': 'open',
      'Import Model (ONNX, Keras JSON)…': 'import',
      Save: 'save',
      'Save As…': 'saveAs',
      'Export…': 'export',
      Undo: 'undo',
      Redo: 'redo',
      Cut: 'cut',
      Copy: 'copy',
      Paste: 'paste',
      Delete: 'delete',
      'Select All': 'selectAll',
      'Zoom to Fit': 'zoomToFit',
      'Auto Layout': 'autoLayout',
      'Show Graph Code': 'toggleCode',
    };
    const items = [...menu('File'), ...menu('Edit'), ...menu('View')];
    for (const [label, command] of Object.entries(expected)) {
      actions.command.mockClear();
      click(items.find((i) => i.label === label));
      expect(actions.command.mock.calls, label).toEqual([[command]]);
    }
  });

  it('leaves shortcuts the page handles to the page, so typing in a field still edits text', () => {
    const { menu } = setup();
    const copy = menu('Edit').find((i) => i.label === 'Copy')!;
    expect(copy).toMatchObject({ accelerator: 'CmdOrCtrl+C', registerAccelerator: false });
    expect(menu('File').find((i) => i.label === 'New')).toMatchObject({ accelerator: 'CmdOrCtrl+N', registerAccelerator: true });
  });

  it('lists recent files, opens them and can clear the list', () => {
    const { actions, menu, click } = setup();
    const recent = menu('File').find((i) => i.label === 'Open Recent')!.submenu as MenuItemConstructorOptions[];
    expect(recent.map((r) => r.label)).toEqual(['a.json — /home/u/a.json', 'b.json — /home/u/b.json', undefined, 'Clear Recently Opened']);
    click(recent[1]);
    expect(actions.openRecent).toHaveBeenCalledWith('/home/u/b.json');
    click(recent[3]);
    expect(actions.clearRecent).toHaveBeenCalled();
    const empty = setup('linux', [])
      .menu('File')
      .find((i) => i.label === 'Open Recent')!.submenu as MenuItemConstructorOptions[];
    expect(empty).toEqual([{ label: 'No recent files', enabled: false }]);
  });

  it('Help shows the data folder and About; no developer tools in a packaged app', () => {
    const { actions, menu, click } = setup();
    click(menu('Help').find((i) => i.label === 'Show Data and Recovery Folder'));
    click(menu('Help').find((i) => i.label === 'About NetCanvas'));
    expect(actions.showDataFolder).toHaveBeenCalled();
    expect(actions.about).toHaveBeenCalled();
    expect(menu('View').some((i) => i.role === 'toggleDevTools')).toBe(false);
  });
});
