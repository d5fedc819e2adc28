import { describe, expect, it } from 'vitest';
import { startTrainerProcess } from '../../../engine/train/processClient';
import { collect, tinyCnn } from './fixtures';

const data = { source: 'embedded:mnist', limit: 600, testLimit: 200 };

describe('trainer process (child_process.fork of engine/train/entry.ts)', { timeout: 120_000 }, () => {
  it('trains in the forked process: the loss goes down and events arrive in order', async () => {
    const c = collect();
    const run = startTrainerProcess(
      { type: 'start', runId: 'p1', graph: tinyCnn({ epochs: 2, learningRate: 0.01 }), dataset: data },
      c.onEvent,
    );
    expect(run.pid).toBeGreaterThan(0);
    const last = await run.done;
    expect(last.type).toBe('done');
    expect(c.events[0]!.type).toBe('started');
    expect(c.events.at(-1)!.type).toBe('done');
    expect(c.events.every((e) => e.runId === 'p1')).toBe(true);
    const [first, second] = c.of('epoch');
    expect(second!.trainLoss).toBeLessThan(first!.trainLoss);
    expect(first!.backend).toBe(c.of('started')[0]!.backend.name);
    expect(c.of('done')[0]!.metrics.testAccuracy).toBeGreaterThan(0.3);
  });

  it('stops on request within a batch and still reports done', async () => {
    const c = collect();
    let run: ReturnType<typeof startTrainerProcess> | null = null;
    let stepAtStop = 0;
    run = startTrainerProcess({ type: 'start', runId: 'p2', graph: tinyCnn({ epochs: 200, batchSize: 8 }), dataset: data }, (e) => {
      c.onEvent(e);
      if (e.type === 'batch' && stepAtStop === 0) {
        stepAtStop = e.step;
        run!.stop();
      }
    });
    const last = await run.done;
    expect(last).toMatchObject({ type: 'done', stopped: true });
    expect(last.type === 'done' && last.metrics.epochsCompleted).toBeLessThan(200);
    // Messages cross processes, so a few batches may run before `stop` arrives; never an epoch's worth.
    expect(Math.max(...c.of('batch').map((b) => b.step)) - stepAtStop).toBeLessThan(68);
  });

  it('turns a trainer that dies into an internal error event', async () => {
    const c = collect();
    let run: ReturnType<typeof startTrainerProcess> | null = null;
    run = startTrainerProcess({ type: 'start', runId: 'p3', graph: tinyCnn({ epochs: 200 }), dataset: data }, (e) => {
      c.onEvent(e);
      if (e.type === 'started') run!.kill();
    });
    const last = await run.done;
    expect(last).toMatchObject({ type: 'error', kind: 'internal', runId: 'p3' });
    expect(last.type === 'error' && last.message).toMatch(/trainer process stopped unexpectedly \(killed by SIGKILL\).*graph is intact/);
    expect(c.events.at(-1)).toBe(last);
  });

  it("never quotes a library's start-up warning as the reason a killed trainer died", async () => {
    // The software WebGPU adapter (Mesa through Dawn) prints Dawn's own "Warning: … artificially
    // reduced …" lines to the trainer's stderr as it starts; the kill comes after.
    const c = collect();
    let run: ReturnType<typeof startTrainerProcess> | null = null;
    run = startTrainerProcess(
      { type: 'start', runId: 'p4', graph: tinyCnn({ epochs: 200 }), dataset: data, backend: 'webgpu' },
      (e) => {
        c.onEvent(e);
        if (e.type === 'started') run!.kill();
      },
      { env: { ...process.env, NETCANVAS_WEBGPU_SOFTWARE: '1' } },
    );
    const last = await run.done;
    expect(last.type).toBe('error');
    const message = last.type === 'error' ? last.message : '';
    if (c.of('started').length > 0)
      expect(message).toMatch(/^the trainer process stopped unexpectedly \(killed by SIGKILL\); the graph is intact/);
    expect(message).not.toMatch(/Warning|artificially reduced|Vulkan|operator\(\)/);
  });
});
