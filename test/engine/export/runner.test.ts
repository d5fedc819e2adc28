/**
 * The PyTorch runner trains the exported script for real on embedded MNIST and streams the in-app
 * trainer's events; its checkpoint loads back into the app's compiled model. A missing Python or
 * torch gives one clear error event.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkGraph } from '../../../engine/check/checkGraph';
import { compileGraph } from '../../../engine/compile';
import { parseGraph } from '../../../engine/graph/load';
import { runPytorchTraining } from '../../../engine/export/pytorch/runner';
import { applyCheckpoint, readCheckpoint } from '../../../engine/train/checkpoint';
import type { TrainerEvent } from '../../../engine/train/protocol';
import { findTorchPython, scratchDir } from './workdir';

const lenet = (() => {
  const r = parseGraph(readFileSync(join(import.meta.dirname, '../../../templates/lenet5.json'), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
})();
const work = scratchDir('runner');
afterAll(() => work.remove());

describe('runPytorchTraining', () => {
  it.skipIf(!findTorchPython().ok)(
    "trains LeNet-5 with PyTorch and reports the app's events",
    async () => {
      const events: TrainerEvent[] = [];
      const checkpointPath = join(work.path, 'lenet.weights.json');
      const code = await runPytorchTraining(
        lenet,
        {
          runId: 'run-1',
          dataset: { source: 'embedded:mnist', limit: 400, testLimit: 100 },
          config: { epochs: 2, batchSize: 50, validationSplit: 0.1 },
          device: 'cpu',
          checkpointPath,
        },
        (e) => events.push(e),
      );
      const errors = events.filter((e) => e.type === 'error');
      expect(errors).toEqual([]);
      expect(code).toBe(0);
      const types = events.map((e) => e.type).filter((t) => t !== 'batch' && t !== 'log');
      expect(types).toEqual(['started', 'epoch', 'epoch', 'done']);
      expect(events.every((e) => e.runId === 'run-1')).toBe(true);
      const started = events[0] as Extract<TrainerEvent, { type: 'started' }>;
      expect(started.dataset).toMatchObject({ trainCount: 360, validationCount: 40, testCount: 100, shape: [28, 28, 1] });
      const check = checkGraph(lenet);
      expect(started.params).toBe(check.totals.params); // PyTorch counts parameters as the checker does
      const epochs = events.filter((e): e is Extract<TrainerEvent, { type: 'epoch' }> => e.type === 'epoch');
      expect(epochs[1]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
      const learning = check.order.filter((id) => ['conv2d', 'dense'].includes(check.nodes[id]!.type));
      expect(Object.keys(epochs[0]!.gradientNorms).sort()).toEqual([...learning].sort());
      const done = events.at(-1) as Extract<TrainerEvent, { type: 'done' }>;
      expect(done.metrics.epochsCompleted).toBe(2);
      expect(done.metrics.testAccuracy).toBeGreaterThan(0.2);
      expect(done.confusion.flat().reduce((a, b) => a + b, 0)).toBe(100);
      expect(done.checkpoint).toBe(checkpointPath);

      // The checkpoint written by PyTorch loads into the app's own model (layouts converted back).
      await tf.setBackend('cpu');
      const compiled = compileGraph(lenet, tf);
      applyCheckpoint(tf, compiled, await readCheckpoint(checkpointPath));
      compiled.model.dispose();
    },
    120_000,
  );

  it.skipIf(!findTorchPython().ok)(
    'trains with DistributedDataParallel over two processes (gloo, CPU)',
    async () => {
      const events: TrainerEvent[] = [];
      const code = await runPytorchTraining(
        lenet,
        {
          runId: 'ddp',
          dataset: { source: 'embedded:mnist', limit: 200, testLimit: 50 },
          config: { epochs: 1, batchSize: 25 },
          device: 'cpu',
          processes: 2,
        },
        (e) => events.push(e),
      );
      expect(events.filter((e) => e.type === 'error')).toEqual([]);
      expect(code).toBe(0);
      const started = events.find((e) => e.type === 'started') as Extract<TrainerEvent, { type: 'started' }>;
      expect(started.backend.detail).toMatch(/2 processes/);
      // Only rank 0 reports, and the epoch's metrics cover both processes' shards.
      expect(events.filter((e) => e.type === 'epoch')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
    },
    120_000,
  );

  it.skipIf(!findTorchPython().ok)(
    'ends LeNet-5 at learning rate 10 as diverged (it ended done), leaving the checkpoint at --save as it was',
    async () => {
      const events: TrainerEvent[] = [];
      const checkpointPath = join(work.path, 'kept.weights.json');
      writeFileSync(checkpointPath, 'the weights of a good run');
      const graph = { ...lenet, training: { ...lenet.training, optimizer: 'sgd', learningRate: 10 } };
      const code = await runPytorchTraining(
        graph,
        {
          runId: 'lr10',
          dataset: { source: 'embedded:mnist', limit: 400, testLimit: 50 },
          config: { epochs: 3, batchSize: 50 },
          device: 'cpu',
          checkpointPath,
        },
        (e) => events.push(e),
      );
      expect(code).toBe(1);
      const last = events.at(-1)!;
      expect(last).toMatchObject({ type: 'error', kind: 'diverged' });
      expect(last.type === 'error' && last.message).toMatch(
        /^training diverged at epoch 1(, batch \d+)?: .*Try a lower learning rate \(now 10; e\.g\. 1\)/,
      );
      expect(readFileSync(checkpointPath, 'utf8')).toBe('the weights of a good run');
      expect(readdirSync(work.path).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    },
    120_000,
  );

  it('refuses a checkpoint in a missing folder before starting Python', async () => {
    const events: TrainerEvent[] = [];
    const checkpointPath = join(work.path, 'no-such-folder', 'w.weights.json');
    const code = await runPytorchTraining(lenet, { runId: 'm', dataset: { source: 'embedded:mnist' }, checkpointPath }, (e) =>
      events.push(e),
    );
    expect(code).toBe(1);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'error',
        kind: 'config',
        message: expect.stringMatching(/the folder .*no-such-folder does not exist/),
      }),
    ]);
  });

  it('says clearly when no Python with torch is found', async () => {
    const events: TrainerEvent[] = [];
    const code = await runPytorchTraining(
      lenet,
      { runId: 'r', dataset: { source: 'embedded:mnist' }, pythons: ['/nonexistent/python3'] },
      (e) => events.push(e),
    );
    expect(code).toBe(1);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', kind: 'backend' });
    expect((events[0] as { message: string }).message).toMatch(/no Python found.*NETCANVAS_PYTHON/);
  });
});
