/**
 * Training with PyTorch from the app: `runner: 'pytorch'` picks the PyTorch launcher, a missing
 * Python or a dying script becomes an `error` event the panel shows, Stop reaches the script, and a
 * real tiny run goes through the web host's services with Debian's python3-torch.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createPytorchLauncher } from '../../electron/services/pytorchTrainer';
import { handleRequest } from '../../electron/services/dispatcher';
import { createTrainingService, type TrainerLauncher } from '../../electron/services/training';
import { startWebServer } from '../../electron/web/server';
import { findTorchPython } from '../../engine/export/pytorch/python-env';
import type { TrainerEvent } from '../../engine/train/protocol';

const graph = JSON.parse(readFileSync('templates/mlp.json', 'utf8')) as Record<string, unknown>;
const dataset = { source: 'embedded:mnist', limit: 300, testLimit: 100 };
const work = mkdtempSync(join(tmpdir(), 'netcanvas-pytorch-host-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sink() {
  const events: TrainerEvent[] = [];
  return { events, send: (_name: string, payload: unknown) => events.push(payload as TrainerEvent) };
}

/** Resolves with the run's `done` or `error` event. */
function finalEvent(events: TrainerEvent[], timeoutMs: number): Promise<TrainerEvent> {
  return vi.waitFor(
    () => {
      const last = events.find((e) => e.type === 'done' || e.type === 'error');
      if (!last) throw new Error(`no final event yet; got ${events.map((e) => e.type).join(', ') || 'nothing'}`);
      return last;
    },
    { timeout: timeoutMs, interval: 25 },
  );
}

/** A stand-in "python": answers the torch probe, then runs `body` (bash) in place of train.py. */
function fakePython(name: string, body: string): string {
  const path = join(work, name);
  writeFileSync(path, `#!/bin/bash\nif [ "$1" = "-c" ]; then echo 1.13.0; exit 0; fi\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('training service with runner "pytorch"', () => {
  it('starts the PyTorch launcher, not the app trainer, and refuses where a host has none', () => {
    const tfjs = vi.fn<TrainerLauncher>(() => ({ stop() {}, kill() {} }));
    const pytorch = vi.fn<TrainerLauncher>(() => ({ stop() {}, kill() {} }));
    const service = createTrainingService({ launch: tfjs, launchPytorch: pytorch });
    const { runId } = service.start({ graph, dataset, runner: 'pytorch', config: { epochs: 1 } }, sink());
    expect(tfjs).not.toHaveBeenCalled();
    expect(pytorch).toHaveBeenCalledOnce();
    expect(pytorch.mock.calls[0]![0]).toMatchObject({ type: 'start', runId, dataset, config: { epochs: 1 } });
    service.dispose();

    const tfjsOnly = createTrainingService({ launch: tfjs });
    expect(() => tfjsOnly.start({ graph, dataset, runner: 'pytorch' }, sink())).toThrow(/PyTorch is not available in this host/);
    tfjsOnly.start({ graph, dataset, runner: 'tfjs' }, sink());
    expect(tfjs).toHaveBeenCalledOnce();
  });

  it('reports a missing Python as one clear error event; the run is over', async () => {
    const service = createTrainingService({ launch: vi.fn(), launchPytorch: createPytorchLauncher({ pythons: ['/nonexistent/python3'] }) });
    const s = sink();
    service.start({ graph, dataset, runner: 'pytorch' }, s);
    const last = await finalEvent(s.events, 10_000);
    expect(last).toMatchObject({
      type: 'error',
      kind: 'backend',
      message: expect.stringMatching(/^cannot train with PyTorch: no Python found .*NETCANVAS_PYTHON/),
    });
    expect(s.events).toHaveLength(1);
    expect(service.activeRuns()).toEqual([]);
  });

  it('turns a script that dies without reporting into an error event with its last words', async () => {
    const python = fakePython('dies', 'echo "Segmentation fault (core dumped)" >&2; exit 139');
    const service = createTrainingService({ launch: vi.fn(), launchPytorch: createPytorchLauncher({ pythons: [python] }) });
    const s = sink();
    service.start({ graph, dataset, runner: 'pytorch' }, s);
    expect(await finalEvent(s.events, 10_000)).toMatchObject({
      type: 'error',
      kind: 'internal',
      message: expect.stringMatching(/stopped without reporting \(exit code 139\): Segmentation fault/),
    });
    expect(service.activeRuns()).toEqual([]);
  });

  it('Stop asks the script to finish (SIGTERM); it still reports done', async () => {
    const donePath = join(work, 'done.json');
    writeFileSync(
      donePath,
      `${JSON.stringify({ type: 'done', runId: 'RUN_ID', stopped: true, metrics: {}, confusion: [], classNames: [], misclassified: [], checkpoint: null })}\n`,
    );
    const python = fakePython(
      'stoppable',
      [
        'for a; do [ "$prev" = --run-id ] && RUN=$a; prev=$a; done',
        `trap 'sed "s/RUN_ID/$RUN/" ${donePath}; exit 0' TERM`,
        `echo '{"type":"log","runId":"'$RUN'","message":"ready"}'`,
        'while true; do sleep 0.05; done',
      ].join('\n'),
    );
    const service = createTrainingService({
      launch: vi.fn(),
      launchPytorch: createPytorchLauncher({ pythons: [python] }),
      stopGraceMs: 5000,
    });
    const s = sink();
    const { runId } = service.start({ graph, dataset, runner: 'pytorch' }, s);
    await vi.waitFor(() => expect(s.events).toContainEqual({ type: 'log', runId, message: 'ready' }), { timeout: 10_000 });
    expect(service.stop(runId)).toEqual({ stopped: true });
    expect(await finalEvent(s.events, 5000)).toMatchObject({ type: 'done', runId, stopped: true });
    expect(service.activeRuns()).toEqual([]);
  });

  it.skipIf(!findTorchPython(['/usr/bin/python3']).ok)(
    "trains a tiny run with PyTorch through the web host's services",
    async () => {
      const rendererDir = mkdtempSync(join(work, 'renderer-'));
      const server = await startWebServer({ rendererDir, dataDir: join(work, 'data') });
      try {
        const s = sink();
        const reply = await handleRequest(
          server.services,
          'train.start',
          { graph, dataset, runner: 'pytorch', config: { epochs: 1, batchSize: 50 } },
          s,
        );
        expect(reply).toMatchObject({ ok: true, result: { runId: expect.stringMatching(/^run-/) } });
        const last = await finalEvent(s.events, 60_000);
        expect(last).toMatchObject({ type: 'done', stopped: false, metrics: { epochsCompleted: 1 } });
        const types = s.events.map((e) => e.type).filter((t) => t !== 'log' && t !== 'batch');
        expect(types).toEqual(['started', 'epoch', 'done']);
        const started = s.events[0] as Extract<TrainerEvent, { type: 'started' }>;
        expect(started.backend.name).toMatch(/^pytorch-/);
        expect(started.dataset).toMatchObject({ shape: [28, 28, 1], testCount: 100 });
        // The run's folder in the history got PyTorch's weights, in the app's format.
        const checkpoint = (last as Extract<TrainerEvent, { type: 'done' }>).checkpoint!;
        expect(checkpoint).toBe(join(work, 'data', 'runs', (reply as { result: { runId: string } }).result.runId, 'weights.json'));
        expect(JSON.parse(readFileSync(checkpoint, 'utf8'))).toMatchObject({ format: 'netcanvas.weights' });
      } finally {
        await server.close();
      }
    },
    90_000,
  );
});
