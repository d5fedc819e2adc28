/**
 * The application menu as data. Items that act on the document send `menu.command` to the
 * renderer, which runs the same command its toolbar and shortcuts run. Shortcuts the renderer
 * already handles itself (it leaves text fields alone) are shown but not registered here, so a
 * Ctrl+C in a text field still copies text.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../api/contract';
import { basename } from 'node:path';

export interface MenuActions {
  readonly platform: NodeJS.Platform;
  readonly isPackaged: boolean;
  readonly recent: readonly string[];
  command(command: MenuCommand): void;
  openRecent(path: string): void;
  clearRecent(): void;
  showDataFolder(): void;
  about(): void;
}

/** A command item; `registered: false` when the renderer's own shortcut handles the key. */
function item(
  label: string,
  command: MenuCommand,
  actions: MenuActions,
  accelerator?: string,
  registered = false,
): MenuItemConstructorOptions {
  return {
    id: `command:${command}`,
    label,
    ...(accelerator ? { accelerator, registerAccelerator: registered } : {}),
    click: () => actions.command(command),
  };
}

export function buildMenuTemplate(actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = actions.platform === 'darwin';
  const recentItems: MenuItemConstructorOptions[] = actions.recent.length
    ? [
        ...actions.recent.map((path, i): MenuItemConstructorOptions => ({
          id: `recent:${i}`,
          label: `${basename(path)} — ${path}`,
          click: () => actions.openRecent(path),
        })),
        { type: 'separator' },
        { id: 'recent:clear', label: 'Clear Recently Opened', click: () => actions.clearRecent() },
      ]
    : [{ label: 'No recent files', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      item('New', 'new', actions, 'CmdOrCtrl+N', true),
      item('Open…', 'open', actions, 'CmdOrCtrl+O'),
      { id: 'openRecent', label: 'Open Recent', submenu: recentItems },
      item('Import Model (ONNX, Keras JSON)…', 'import', actions),
      { type: 'separator' },
      item('Save', 'save', actions, 'CmdOrCtrl+S'),
      item('Save As…', 'saveAs', actions, 'CmdOrCtrl+Shift+S'),
      item('Export…', 'export', actions, 'CmdOrCtrl+Shift+E', true),
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit', label: 'Quit' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      item('Undo', 'undo', actions, 'CmdOrCtrl+Z'),
      item('Redo', 'redo', actions, 'CmdOrCtrl+Shift+Z'),
      { type: 'separator' },
      item('Cut', 'cut', actions, 'CmdOrCtrl+X'),
      item('Copy', 'copy', actions, 'CmdOrCtrl+C'),
      item('Paste', 'paste', actions, 'CmdOrCtrl+V'),
      item('Delete', 'delete', actions, 'Delete'),
      item('Select All', 'selectAll', actions, 'CmdOrCtrl+A'),
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      item('Zoom to Fit', 'zoomToFit', actions, 'F'),
      item('Auto Layout', 'autoLayout', actions, 'L'),
      item('Show Graph Code', 'toggleCode', actions, 'CmdOrCtrl+E'),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      // Developer tools only while developing: a student's copy has no use for them.
      ...(actions.isPackaged ? [] : [{ type: 'separator' } as const, { role: 'reload' } as const, { role: 'toggleDevTools' } as const]),
    ],
  };
  const help: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [
      { id: 'help:dataFolder', label: 'Show Data and Recovery Folder', click: () => actions.showDataFolder() },
      { type: 'separator' },
      { id: 'help:about', label: 'About NetCanvas', click: () => actions.about() },
    ],
  };
  return [...(mac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []), file, edit, view, help];
}
