import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    expect(last.type === 'error' && last.message).toMatch(
      /trainer process stopped unexpectedly \(killed by SIGKILL on request, before it could save\); the graph is intact/,
    );
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
      expect(message).toMatch(
        /^the trainer process stopped unexpectedly \(killed by SIGKILL on request, before it could save\); the graph is intact/,
      );
    expect(message).not.toMatch(/Warning|artificially reduced|Vulkan|operator\(\)/);
  });

  /** A stand-in trainer that prints `stderr` at start-up, then waits to be killed (or dies as `then` says). */
  function fakeTrainer(stderr: string, then = ''): string {
    const dir = mkdtempSync(join(tmpdir(), 'netcanvas-fake-trainer-'));
    const entry = join(dir, 'entry.mjs');
    writeFileSync(
      entry,
      `process.stderr.write(${JSON.stringify(stderr)});\nprocess.on('message', () => { ${then} });\nsetInterval(() => {}, 1000);\n`,
    );
    return entry;
  }
  const DAWN_WARNING =
    'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 90 to 16 to fit dynamic offset allocation limit.\n';

  it('a trainer killed from outside is called killed, never explained by an unrelated stderr line', async () => {
    const run = startTrainerProcess({ type: 'start', runId: 'k1', graph: tinyCnn(), dataset: data }, () => {}, {
      entryPath: fakeTrainer(DAWN_WARNING),
    });
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(run.pid!, 'SIGKILL');
    const last = await run.done;
    expect(last).toEqual({
      type: 'error',
      runId: 'k1',
      kind: 'internal',
      message:
        'the trainer process stopped unexpectedly (killed by SIGKILL: the system may have run out of memory, or another program ended it); the graph is intact, you can train again',
    });
  });

  it('a trainer that runs out of memory says so, whatever it printed before', async () => {
    const run = startTrainerProcess({ type: 'start', runId: 'k2', graph: tinyCnn(), dataset: data }, () => {}, {
      entryPath: fakeTrainer(
        `${DAWN_WARNING}\n<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n`,
        'process.exit(134);',
      ),
    });
    const last = await run.done;
    expect(last.type === 'error' && last.message).toBe(
      'the trainer process stopped unexpectedly (exit code 134: it ran out of memory; try a smaller batch size or a smaller graph); the graph is intact, you can train again',
    );
  });
});
