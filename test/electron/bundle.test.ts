/**
 * The bundles `npm run build:electron` makes, run under plain Node with a stand-in `electron`
 * module: catches what only bundling can break (paths from __dirname, lazy imports, what stays
 * external). The trainer bundle trains a tiny run over Node's IPC, as it would over parentPort.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../../electron/build';
import type { TrainerEvent } from '../../engine/train/protocol';

const dataDir = mkdtempSync(join(tmpdir(), 'netcanvas-bundle-'));
// Inside node_modules, so the bundles' external packages resolve as they do from dist-electron/,
// without touching the dist-electron/ a running app or the Electron smoke test may be using.
const OUT = resolve('node_modules/.cache/netcanvas-bundle-test');
const ipcHandlers = new Map<string, (...args: unknown[]) => Promise<{ ok: boolean; result?: unknown; error?: string }>>();
const forks: string[] = [];
let windowId = 0;

function fakeElectron() {
  const on = () => app;
  const app = {
    on,
    whenReady: () => Promise.resolve(),
    requestSingleInstanceLock: () => true,
    enableSandbox: () => {},
    quit: () => {},
    getPath: () => dataDir,
    getVersion: () => '0.1.0',
    getAppPath: () => process.cwd(),
    isPackaged: true,
    showAboutPanel: () => {},
  };
  class BrowserWindow {
    webContents = { id: ++windowId, on: () => {}, setWindowOpenHandler: () => {}, postMessage: () => {} };
    on() {}
    once() {}
    isDestroyed = () => false;
    loadURL = async () => {};
  }
  return {
    app,
    BrowserWindow,
    ipcMain: { handle: (channel: string, fn: never) => ipcHandlers.set(channel, fn) },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => {} },
    dialog: {},
    shell: {},
    protocol: { registerSchemesAsPrivileged: () => {}, handle: () => {} },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: () => {}, onBeforeRequest: () => {} },
        setPermissionRequestHandler: () => {},
        setPermissionCheckHandler: () => {},
        setDevicePermissionHandler: () => {},
      },
    },
    utilityProcess: { fork: (path: string) => (forks.push(path), { on: () => {}, postMessage: () => {}, kill: () => {}, stderr: null }) },
    MessageChannelMain: class {
      port1 = { postMessage: () => {}, close: () => {} };
      port2 = {};
    },
  };
}

beforeAll(async () => {
  await buildElectron(OUT);
}, 120_000);
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(OUT, { recursive: true, force: true });
});

describe('dist-electron bundles', () => {
  it('main.cjs starts with Electron stood in, serves requests, and points at the bundled trainer', async () => {
    const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const original = loader._load;
    const electron = fakeElectron();
    loader._load = function (request: string, ...rest: unknown[]) {
      return request === 'electron' ? electron : original.call(this, request, ...rest);
    };
    try {
      const main = createRequire(import.meta.url)(join(OUT, 'main.cjs')) as { desktop: { ready: Promise<void> } };
      await main.desktop.ready;
    } finally {
      loader._load = original;
    }
    const handle = ipcHandlers.get('netcanvas:request')!;
    const event = { sender: { id: windowId }, senderFrame: { url: 'netcanvas://app/index.html', parent: null } };
    expect(await handle(event, 'host.info', {})).toMatchObject({ ok: true, result: { kind: 'desktop', dataDir } });
    expect(await handle(event, 'templates.list', {})).toMatchObject({
      ok: true,
      result: expect.arrayContaining([expect.objectContaining({ id: 'lenet5' })]),
    });
    const graph = JSON.parse(readFileSync('templates/mlp.json', 'utf8')) as Record<string, unknown>;
    const exported = await handle(event, 'export.code', { graph, target: 'keras' });
    expect(exported.ok, exported.error).toBe(true);
    await handle(event, 'train.start', { graph, dataset: { source: 'embedded:mnist', limit: 64 } });
    expect(forks).toEqual([join(OUT, 'trainer.cjs')]);
    expect(existsSync(forks[0]!)).toBe(true);
  });

  it('preload.cjs requires nothing but electron (a sandboxed preload can load nothing else)', () => {
    const requires = [...readFileSync(join(OUT, 'preload.cjs'), 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
  });

  /** One run of the bundled trainer over IPC, as the app's utility process runs it. */
  async function trainInBundle(template: string, extra: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
    const graph = JSON.parse(readFileSync(`templates/${template}.json`, 'utf8')) as Record<string, unknown>;
    const child = fork(join(OUT, 'trainer.cjs'), [], {
      env: { ...process.env, NETCANVAS_DATASETS: resolve('datasets'), ...env },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const events: TrainerEvent[] = [];
    const last = await new Promise<TrainerEvent>((done) => {
      child.on('message', (e: TrainerEvent) => {
        events.push(e);
        if (e.type === 'done' || e.type === 'error') done(e);
      });
      child.send({
        type: 'start',
        runId: 'bundle',
        graph,
        dataset: { source: 'embedded:mnist', limit: 128, testLimit: 32 },
        config: { epochs: 1, batchSize: 32 },
        ...extra,
      });
    });
    child.disconnect();
    return { events, last };
  }

  it('trainer.cjs trains a tiny run and reports done', async () => {
    const { events, last } = await trainInBundle('mlp', {});
    expect(last).toMatchObject({ type: 'done', runId: 'bundle', metrics: { epochsCompleted: 1 } });
    expect(events[0]?.type).toBe('started');
  }, 120_000);

  // NetCanvas's WebAssembly kernels as the utility process loads them: the module inlined in the
  // bundle, its worker threads started from it, batch norm and Adam fused.
  it('trainer.cjs trains on wasm with NetCanvas kernels', async () => {
    const { events, last } = await trainInBundle('fashion-cnn', { backend: 'wasm' });
    expect(last).toMatchObject({ type: 'done', metrics: { epochsCompleted: 1 } });
    const started = events.find((e) => e.type === 'started') as Extract<TrainerEvent, { type: 'started' }>;
    expect(started.backend).toMatchObject({ name: 'wasm', detail: expect.stringMatching(/NetCanvas kernels on \d thread/) });
  }, 120_000);

  // The GPU path as the packaged app loads it: Dawn's native addon and tfjs-webgpu, external to the
  // bundle, through its lazy imports; on Mesa's software adapter, since these machines have no GPU.
  it('trainer.cjs trains on WebGPU, naming the adapter', async (ctx) => {
    const { registerWebGPUBackend } = await import('../../engine/train/webgpu/device/register');
    const here = await registerWebGPUBackend({ software: true });
    if (!here.ok) ctx.skip(`no software WebGPU adapter here: ${here.reason}`);
    const { events, last } = await trainInBundle('lenet5', { backend: 'webgpu' }, { NETCANVAS_WEBGPU_SOFTWARE: '1' });
    expect(last).toMatchObject({ type: 'done', metrics: { epochsCompleted: 1 } });
    const started = events.find((e) => e.type === 'started') as Extract<TrainerEvent, { type: 'started' }>;
    expect(started.backend).toMatchObject({ name: 'webgpu', device: expect.stringMatching(/llvmpipe|Mesa/) });
  }, 180_000);
});
