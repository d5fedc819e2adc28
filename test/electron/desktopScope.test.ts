/**
 * Scoped file access on the desktop host, through its real IPC handler (electron mocked): the
 * renderer reaches only what native dialogs, the OS, recent files and the data folder gave it;
 * traversal, symbolic links and /proc are refused; a typed path needs a native "Allow".
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => {
  const { EventEmitter: Emitter } = require('node:events') as typeof import('node:events');
  const { mkdtempSync: temp } = require('node:fs') as typeof import('node:fs');
  const { join: joinPath } = require('node:path') as typeof import('node:path');
  const { tmpdir: tmp } = require('node:os') as typeof import('node:os');
  const windows: (InstanceType<typeof Emitter> & { webContents: InstanceType<typeof Emitter> & { id: number } })[] = [];
  class FakeWindow extends Emitter {
    webContents = Object.assign(new Emitter(), { id: 7, setWindowOpenHandler: vi.fn(), postMessage: vi.fn() });
    constructor() {
      super();
      windows.push(this as never);
    }
    loadURL = vi.fn(async () => {});
    isDestroyed = () => false;
    setTitle = vi.fn();
    getTitle = () => 'NetCanvas';
  }
  const dataDir = temp(joinPath(tmp(), 'netcanvas-desktop-scope-'));
  const electron = {
    app: Object.assign(new Emitter(), {
      whenReady: () => Promise.resolve(),
      requestSingleInstanceLock: () => true,
      enableSandbox: vi.fn(),
      quit: vi.fn(),
      getPath: () => dataDir,
      getVersion: () => '0.1.0',
      getAppPath: () => process.cwd(),
      isPackaged: true,
      showAboutPanel: vi.fn(),
    }),
    BrowserWindow: FakeWindow,
    ipcMain: { handle: vi.fn() },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: vi.fn() },
    dialog: {
      showOpenDialog: vi.fn(),
      showSaveDialog: vi.fn(),
      showMessageBox: vi.fn(async () => ({ response: 0 })),
      showMessageBoxSync: vi.fn(() => 0),
    },
    shell: { openExternal: vi.fn(), openPath: vi.fn() },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: vi.fn(), onBeforeRequest: vi.fn() },
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn(),
      },
    },
    utilityProcess: { fork: vi.fn(() => Object.assign(new Emitter(), { postMessage: vi.fn(), kill: vi.fn(), stderr: new Emitter() })) },
    MessageChannelMain: class {
      port1 = { postMessage: vi.fn(), close: vi.fn() };
      port2 = {};
    },
  };
  return { electron, windows, dataDir };
});

vi.mock('electron', () => fake.electron);

type Reply = { ok: boolean; result?: unknown; error?: string };
let invoke: (name: string, args: unknown) => Promise<Reply>;
const work = mkdtempSync(join(tmpdir(), 'netcanvas-desktop-files-'));

beforeAll(async () => {
  mkdirSync(join(work, 'nets'));
  mkdirSync(join(work, 'private'));
  writeFileSync(join(work, 'nets', 'a.json'), '{"format":"netcanvas.graph"}');
  writeFileSync(join(work, 'private', 'secret.txt'), 'secret');
  symlinkSync(join(work, 'private', 'secret.txt'), join(work, 'nets', 'link.json'));
  const { desktop } = await import('../../electron/desktop/main');
  await desktop.ready;
  const win = fake.windows[0]!;
  const handler = fake.electron.ipcMain.handle.mock.calls[0]![1] as (e: unknown, n: unknown, a: unknown) => Promise<Reply>;
  invoke = (name, args) =>
    handler({ sender: { id: win.webContents.id }, senderFrame: { url: 'netcanvas://app/index.html', parent: null } }, name, args);
});

describe('desktop file scope', () => {
  it('refuses what no dialog gave: /etc/passwd, a write through .., /proc/self/environ', async () => {
    expect(await invoke('file.read', { path: '/etc/passwd' })).toEqual({
      ok: false,
      error:
        "Could not open /etc/passwd: it is not a file or folder you chose in NetCanvas; choose it with Open…, Save As…, or the dataset's Folder… and File… buttons",
    });
    expect((await invoke('file.write', { path: `${fake.dataDir}/../../tmp/evil.json`, text: '{}' })).ok).toBe(false);
    expect(await invoke('file.read', { path: '/proc/self/environ' })).toEqual({
      ok: false,
      error: 'Could not open /proc/self/environ: NetCanvas does not open system files',
    });
    expect((await invoke('dataset.sample', { source: '/etc' })).error).toMatch(/is not a file or folder you chose in NetCanvas/);
  });

  it('allows what a native dialog gave, and the folder of that graph, but not a link out of it', async () => {
    fake.electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [join(work, 'nets', 'a.json')] });
    expect(await invoke('file.openDialog', { kind: 'graph' })).toEqual({ ok: true, result: { path: join(work, 'nets', 'a.json') } });
    expect(await invoke('file.read', { path: join(work, 'nets', 'a.json') })).toMatchObject({ ok: true });
    // Opened: its folder holds the user's exports and data too.
    expect(await invoke('file.write', { path: join(work, 'nets', 'b.json'), text: '{}' })).toEqual({
      ok: true,
      result: { path: join(work, 'nets', 'b.json') },
    });
    expect((await invoke('file.read', { path: join(work, 'nets', 'link.json') })).error).toContain(
      `(it leads to ${join(work, 'private', 'secret.txt')})`,
    );
    expect((await invoke('file.read', { path: join(work, 'nets', '..', 'private', 'secret.txt') })).ok).toBe(false);
  });

  it('the data folder (recovery, checkpoints) stays reachable', async () => {
    expect(await invoke('recovery.save', { text: '{}', path: null })).toEqual({ ok: true, result: { saved: true } });
    writeFileSync(join(fake.dataDir, 'note.json'), '{}');
    expect(await invoke('file.read', { path: join(fake.dataDir, 'note.json') })).toMatchObject({ ok: true });
  });

  it('a typed path needs a native "Allow": Cancel refuses it, Allow grants it', async () => {
    const typed = join(work, 'private');
    fake.electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0 });
    expect(await invoke('file.allow', { path: typed })).toEqual({ ok: true, result: { path: typed, allowed: false } });
    expect((await invoke('file.read', { path: join(typed, 'secret.txt') })).ok).toBe(false);
    fake.electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 1 });
    expect(await invoke('file.allow', { path: typed })).toEqual({ ok: true, result: { path: typed, allowed: true } });
    expect(await invoke('file.read', { path: join(typed, 'secret.txt') })).toMatchObject({ ok: true, result: { text: 'secret' } });
    const asked = (fake.electron.dialog.showMessageBox.mock.calls.at(-1) as unknown[]).at(-1) as { message: string };
    expect(asked.message).toBe(`Allow NetCanvas to use ${typed}?`);
  });

  it('training on a dataset nobody chose asks natively first', async () => {
    const data = join(work, 'data.csv');
    writeFileSync(data, 'a,label\n1,0\n2,1\n');
    fake.electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0 });
    const graph = { format: 'netcanvas.graph', version: 1, nodes: [], edges: [] };
    expect(await invoke('train.start', { graph, dataset: { source: data } })).toEqual({
      ok: false,
      error: `The dataset ${data} is not a file or folder you chose in NetCanvas: choose it with the Folder… or File… button under Dataset`,
    });
    expect(((fake.electron.dialog.showMessageBox.mock.calls.at(-1) as unknown[]).at(-1) as { detail: string }).detail).toMatch(
      /trains on it/,
    );
  });
});
