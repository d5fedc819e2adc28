/**
 * The desktop entry (electron/desktop/main.ts) with `electron` mocked: the window it opens, the
 * IPC, menus, the unsaved-changes prompt, single instance and training in a utility process.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { GraphDoc } from '../../engine/graph/types';
import { applyRunEvent, newRunRecord } from '../../engine/runs/record';

// vi.mock's factory runs before imports, so the fakes are built with require inside vi.hoisted.
const fake = vi.hoisted(() => {
  const { EventEmitter: Emitter } = require('node:events') as typeof import('node:events');
  const appEvents = new Emitter();
  const windows: FakeWindow[] = [];
  const ports: { postMessage: ReturnType<typeof vi.fn>; close: ReturnType<typeof vi.fn> }[] = [];
  const children: (InstanceType<typeof Emitter> & {
    postMessage: ReturnType<typeof vi.fn>;
    kill: ReturnType<typeof vi.fn>;
    stderr: InstanceType<typeof Emitter>;
  })[] = [];
  class FakeWindow extends Emitter {
    static nextId = 1;
    title = 'NetCanvas';
    webContents: InstanceType<typeof Emitter> & Record<string, unknown>;
    constructor(readonly options: Record<string, unknown>) {
      super();
      const wc = new Emitter() as InstanceType<typeof Emitter> & Record<string, unknown>;
      wc.id = FakeWindow.nextId++;
      wc.setWindowOpenHandler = vi.fn();
      wc.postMessage = vi.fn();
      this.webContents = wc;
      windows.push(this);
    }
    loadURL = vi.fn(async () => {});
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    reload = vi.fn();
    isMinimized = () => false;
    isDestroyed = () => false;
    setTitle = vi.fn((t: string) => (this.title = t));
    getTitle = () => this.title;
    setDocumentEdited = vi.fn();
    close = vi.fn(() => this.emit('close', { preventDefault: () => {} }));
  }
  const dataDir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'netcanvas-desktop-'));
  const electron = {
    app: Object.assign(appEvents, {
      whenReady: () => Promise.resolve(),
      requestSingleInstanceLock: vi.fn(() => true),
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
      showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/picked/net.json'] })),
      showSaveDialog: vi.fn(),
      showMessageBox: vi.fn(async () => ({ response: 1 })),
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
    utilityProcess: {
      fork: vi.fn(() => {
        const child = Object.assign(new Emitter(), { postMessage: vi.fn(), kill: vi.fn(), stdout: new Emitter(), stderr: new Emitter() });
        children.push(child);
        return child;
      }),
    },
    MessageChannelMain: class {
      port1 = { postMessage: vi.fn(), close: vi.fn() };
      port2 = { transferred: true };
      constructor() {
        ports.push(this.port1);
      }
    },
  };
  return { electron, windows, ports, children, dataDir };
});

vi.mock('electron', () => fake.electron);

type Reply = { ok: boolean; result?: unknown; error?: string };
let invoke: (name: string, args: unknown, frameUrl?: string) => Promise<Reply>;
let win: (typeof fake.windows)[number];
const sentEvents = () => fake.ports.at(-1)!.postMessage.mock.calls.map((c) => c[0] as { name: string; payload: unknown });

beforeAll(async () => {
  const { desktop } = await import('../../electron/desktop/main');
  await desktop.ready;
  win = fake.windows[0]!;
  const handler = fake.electron.ipcMain.handle.mock.calls[0]![1] as (e: unknown, n: unknown, a: unknown) => Promise<Reply>;
  invoke = (name, args, frameUrl = 'netcanvas://app/index.html') =>
    handler({ sender: { id: win.webContents.id }, senderFrame: { url: frameUrl, parent: null } }, name, args);
  win.webContents.emit('dom-ready');
});

describe('desktop main process', () => {
  it('opens one secure window on the private app page, with the sandbox on for every renderer', () => {
    expect(fake.windows).toHaveLength(1);
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: expect.stringMatching(/preload\.cjs$/),
    });
    expect(win.loadURL).toHaveBeenCalledWith('netcanvas://app/index.html');
    expect(fake.electron.app.enableSandbox).toHaveBeenCalled();
    expect(fake.electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'netcanvas', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(fake.electron.protocol.handle).toHaveBeenCalledWith('netcanvas', expect.any(Function));
    expect(fake.electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(win.webContents.setWindowOpenHandler).toHaveBeenCalled();
    expect(fake.electron.ipcMain.handle).toHaveBeenCalledWith('netcanvas:request', expect.any(Function));
  });

  it('hands the page an events port after it loads', () => {
    expect(win.webContents.postMessage).toHaveBeenCalledWith('netcanvas:events-port', null, [{ transferred: true }]);
  });

  it('answers our page over IPC and refuses other pages', async () => {
    expect(await invoke('host.info', {})).toMatchObject({ ok: true, result: { kind: 'desktop', version: '0.1.0', dataDir: fake.dataDir } });
    expect(await invoke('file.openDialog', { kind: 'graph' })).toEqual({ ok: true, result: { path: '/picked/net.json' } });
    expect(await invoke('templates.list', {}, 'https://evil.example/')).toMatchObject({
      ok: false,
      error: expect.stringContaining('refused'),
    });
    expect(await invoke('file.read', { path: 3 })).toMatchObject({ ok: false, error: expect.stringMatching(/^file\.read: path/) });
  });

  it('menu items send commands to the page through the events port', () => {
    const template = fake.electron.Menu.setApplicationMenu.mock.calls.at(-1)![0] as MenuItemConstructorOptions[];
    const save = (template[0]!.submenu as MenuItemConstructorOptions[]).find((i) => i.label === 'Save')!;
    (save.click as () => void)();
    expect(sentEvents().at(-1)).toEqual({ name: 'menu.command', payload: { command: 'save' } });
  });

  it('sets the title with the unsaved mark and asks before closing unsaved work', async () => {
    expect(await invoke('window.setTitle', { title: '● lenet.json — NetCanvas', dirty: true })).toEqual({ ok: true, result: { ok: true } });
    expect(win.setTitle).toHaveBeenCalledWith('● lenet.json — NetCanvas');
    await invoke('recovery.save', { text: '{}', path: null });
    const event = { preventDefault: vi.fn() };
    win.emit('close', event);
    expect(event.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(win.close).toHaveBeenCalled());
    expect((fake.electron.dialog.showMessageBox.mock.calls[0] as unknown[])[1]).toMatchObject({
      message: '“lenet.json” has unsaved changes.',
      buttons: ['Cancel', 'Close Without Saving'],
    });
    // Closing without saving was the user's choice: the recovery copy goes too.
    expect(await invoke('recovery.load', {})).toEqual({ ok: true, result: null });
    // The page's own beforeunload guard must not cancel the close the user confirmed.
    const unload = { preventDefault: vi.fn() };
    win.webContents.emit('will-prevent-unload', unload);
    expect(unload.preventDefault).toHaveBeenCalled();
    expect(fake.electron.dialog.showMessageBoxSync).not.toHaveBeenCalled();
  });

  it('a second launch with a file focuses this window and asks the page to open it', async () => {
    fake.electron.app.emit('second-instance', {}, ['/usr/bin/netcanvas', '--flag', 'nets/resnet.json'], '/home/student');
    expect(win.focus).toHaveBeenCalled();
    await vi.waitFor(() =>
      expect(sentEvents().at(-1)).toEqual({ name: 'file.openRequested', payload: { path: '/home/student/nets/resnet.json' } }),
    );
    // The OS's choice is the user's: the page may now read it (it does not exist here, and says so).
    expect(await invoke('file.read', { path: '/home/student/nets/resnet.json' })).toEqual({
      ok: false,
      error: 'Could not read /home/student/nets/resnet.json: no such file or folder',
    });
  });

  it('trains in a utility process running the bundled trainer; a dead trainer becomes an error event', async () => {
    const graph = JSON.parse(readFileSync('templates/mlp.json', 'utf8')) as Record<string, unknown>;
    const reply = await invoke('train.start', { graph, dataset: { source: 'embedded:mnist', limit: 100 } });
    expect(reply).toMatchObject({ ok: true, result: { runId: expect.stringMatching(/^run-/) } });
    const runId = (reply.result as { runId: string }).runId;
    const [entry, , options] = fake.electron.utilityProcess.fork.mock.calls[0]! as unknown as [
      string,
      string[],
      { env: NodeJS.ProcessEnv },
    ];
    expect(entry).toMatch(/trainer\.cjs$/);
    expect(options.env.NETCANVAS_DATASETS).toBe(join(process.cwd(), 'datasets'));
    const child = fake.children[0]!;
    expect(child.postMessage).toHaveBeenCalledWith(
      expect.objectContaining({ type: 'start', runId, dataset: { source: 'embedded:mnist', limit: 100 } }),
    );
    child.emit('message', { type: 'log', runId, message: 'loading' });
    expect(sentEvents().at(-1)).toEqual({ name: 'train.event', payload: { type: 'log', runId, message: 'loading' } });
    // Dawn's start-up warning is not why it died, and is not quoted as if it were.
    child.stderr.emit('data', Buffer.from('Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 90 to 16.\n'));
    child.emit('exit', 134);
    expect(sentEvents().at(-1)).toEqual({
      name: 'train.event',
      payload: {
        type: 'error',
        runId,
        kind: 'internal',
        message: 'the trainer process stopped unexpectedly (exit code 134); the graph is intact, you can train again',
      },
    });
  });

  it('measures runs of the history in a utility process too: an inspect request, answered by its inspected event', async () => {
    const graph = JSON.parse(readFileSync('templates/mlp.json', 'utf8')) as GraphDoc;
    const finished = (runId: string) => {
      let record = newRunRecord({
        runId,
        name: runId,
        graph,
        dataset: { source: 'embedded:mnist' },
        runner: 'tfjs',
        startedAt: '2026-01-01T00:00:00Z',
      });
      record = applyRunEvent(record, {
        type: 'done',
        runId,
        stopped: false,
        metrics: { testLoss: 1, testAccuracy: 0.5, trainLoss: 1, trainAccuracy: 0.5, seconds: 1, epochsCompleted: 1 },
        confusion: [],
        classNames: [],
        misclassified: [],
        checkpoint: 'weights.json',
      });
      mkdirSync(join(fake.dataDir, 'runs', runId), { recursive: true });
      writeFileSync(join(fake.dataDir, 'runs', runId, 'run.json'), JSON.stringify(record));
      writeFileSync(join(fake.dataDir, 'runs', runId, 'weights.json'), '{}');
    };
    finished('run-aaaa0001');
    finished('run-aaaa0002');
    const before = fake.children.length;
    const reply = invoke('runs.ensemble', { runIds: ['run-aaaa0001', 'run-aaaa0002'] });
    await vi.waitFor(() => expect(fake.children.length).toBe(before + 1));
    const child = fake.children.at(-1)!;
    const request = child.postMessage.mock.calls[0]![0] as {
      type: string;
      runId: string;
      job: { kind: string; members: { checkpoint: string }[] };
    };
    expect(request).toMatchObject({ type: 'inspect', job: { kind: 'ensemble', dataset: { source: 'embedded:mnist' } } });
    expect(request.job.members.map((m) => m.checkpoint)).toEqual([
      join(fake.dataDir, 'runs', 'run-aaaa0001', 'weights.json'),
      join(fake.dataDir, 'runs', 'run-aaaa0002', 'weights.json'),
    ]);
    const result = {
      kind: 'ensemble',
      dataset: 'MNIST',
      split: 'test',
      count: 10,
      backend: 'wasm',
      members: [],
      ensemble: { accuracy: 1, loss: 0, error: 0 },
      meanMemberError: 0,
    };
    child.emit('message', { type: 'inspected', runId: request.runId, result });
    expect(await reply).toEqual({ ok: true, result });
    // One measurement per process: it is ended once it has answered.
    expect(child.kill).toHaveBeenCalled();
  });
});
