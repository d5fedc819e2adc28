/**
 * The exported training scripts train segmentation and reconstruction with the task's loss and
 * report its metrics, and they compute them as the app does: from the same weights, on the same
 * test slice, PyTorch's train.py and TF.js's train.ts report the app's test loss, mean IoU, pixel
 * accuracy and IoU per class, or PSNR (≤ 1e-4). The PyTorch runner trains both tasks for real
 * with /usr/bin/python3 (torch), on a small slice, and its checkpoint loads back into the app.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/compile';
import { loadDataset } from '../../../engine/data';
import { embeddedFolder } from '../../../engine/data/embedded';
import { runPytorchTraining } from '../../../engine/export/pytorch/runner';
import type { GraphDoc } from '../../../engine/graph/types';
import { applyCheckpoint, readCheckpoint } from '../../../engine/train/checkpoint';
import type { TrainerEvent } from '../../../engine/train/protocol';
import { tinyAutoencoder, tinyFcn } from '../train/fixtures';
import { reference } from './reference';
import { appEvaluation, scriptDone, scriptEvents, TEST, torch, type Done } from './task-script-run';
import { scratchDir } from './workdir';

const work = scratchDir('task-scripts');

const CASES: readonly [string, GraphDoc, string][] = [
  ['segmentation', tinyFcn(), 'embedded:mnist-segmentation'],
  ['reconstruction, mean squared error', tinyAutoencoder({ loss: 'mse' }), 'embedded:mnist'],
  ['reconstruction, binary cross-entropy', tinyAutoencoder({ loss: 'bce' }), 'embedded:mnist'],
];

beforeAll(() => {
  // The generated set is made once per machine into this cache (atomically), as in the trainer's tests.
  process.env['NETCANVAS_CACHE_DIR'] = join(tmpdir(), 'netcanvas-test-cache');
});

describe.each(CASES)('exported training scripts, %s', (name, doc, source) => {
  let checkpoint = '';
  let folder = '';
  let app: Awaited<ReturnType<typeof appEvaluation>>;
  beforeAll(async () => {
    // Non-trivial weights (not an initialisation), so that every class and value is exercised.
    checkpoint = (await reference(doc)).checkpoint;
    folder = (await embeddedFolder(source.slice('embedded:'.length)))!;
    app = await appEvaluation(doc, source, checkpoint);
  }, 120_000);

  const expectSame = (done: Done) => {
    expect(done.metrics.testLoss).toBeCloseTo(app.loss, 4);
    expect(done.metrics.testAccuracy ?? null).toEqual(app.metrics.accuracy === null ? null : expect.closeTo(app.metrics.accuracy, 4));
    expect(Object.keys(done.metrics.test!).sort()).toEqual(Object.keys(app.metrics.values).sort());
    for (const [metric, value] of Object.entries(app.metrics.values)) {
      // PSNR in dB: 1e-4 of its scale; fractions and MSE: 1e-4 absolute.
      expect(Math.abs(done.metrics.test![metric as keyof typeof app.metrics.values]! - value), metric).toBeLessThanOrEqual(1e-4);
    }
    if (app.metrics.perClassIoU) {
      expect(done.perClassIoU).toHaveLength(app.metrics.perClassIoU.length);
      expect(done.perClassIoU!.map((v) => v === null)).toEqual(app.metrics.perClassIoU.map((v) => v === null));
      done.perClassIoU!.forEach((v, c) =>
        expect(Math.abs((v ?? 0) - (app.metrics.perClassIoU![c] ?? 0)), `class ${c}`).toBeLessThanOrEqual(1e-4),
      );
    }
  };

  it.skipIf(!torch.ok)(
    `PyTorch's train.py reports the app's test loss and metrics from the same weights`,
    () => {
      expectSame(scriptDone(doc, 'pytorch', join(work.path, `${name}-pytorch`.replace(/\W+/g, '-')), folder, checkpoint));
    },
    120_000,
  );

  it(`TF.js's train.ts reports the app's test loss and metrics from the same weights`, () => {
    expectSame(scriptDone(doc, 'tfjs', join(work.path, `${name}-tfjs`.replace(/\W+/g, '-')), folder, checkpoint));
  }, 120_000);
});

it("TF.js's train.ts trains segmentation with per-pixel cross-entropy and reports mean IoU each epoch", async () => {
  const doc = tinyFcn({ learningRate: 0.01, batchSize: 12 });
  const folder = (await embeddedFolder('mnist-segmentation'))!;
  const events = scriptEvents(doc, 'tfjs', join(work.path, 'train-tfjs'), folder, (await reference(doc)).checkpoint, 2);
  const epochs = events.filter((e): e is Extract<TrainerEvent, { type: 'epoch' }> => e.type === 'epoch');
  expect(epochs).toHaveLength(2);
  expect(epochs[1]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
  expect(Object.keys(epochs[1]!.trainMetrics!)).toEqual(['meanIoU', 'pixelAccuracy']);
  const done = events.at(-1) as Done;
  expect(done.metrics.test!.meanIoU).toBeGreaterThan(0);
  expect(done.perClassIoU).toHaveLength(11);
}, 120_000);

describe.skipIf(!torch.ok)('the PyTorch runner', () => {
  it.each(CASES.slice(0, 2))(
    'trains %s with the task’s loss and streams its metrics and views; the checkpoint loads into the app',
    async (name, doc, source) => {
      const events: TrainerEvent[] = [];
      const checkpointPath = join(work.path, `${name.replace(/\W+/g, '-')}.weights.json`);
      const code = await runPytorchTraining(
        doc,
        {
          runId: 'r',
          dataset: { source, limit: 96, testLimit: 16 },
          config: { epochs: 2, learningRate: 0.01 },
          device: 'cpu',
          checkpointPath,
        },
        (e) => events.push(e),
      );
      expect(events.filter((e) => e.type === 'error')).toEqual([]);
      expect(code).toBe(0);
      const of = <T extends TrainerEvent['type']>(t: T) => events.filter((e): e is Extract<TrainerEvent, { type: T }> => e.type === t);
      const task = doc.training!.task;
      expect(of('started')[0]!.task).toBe(task);
      const epochs = of('epoch');
      expect(epochs).toHaveLength(2);
      expect(epochs[1]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
      const done = of('done')[0]!;
      if (task === 'segmentation') {
        expect(Object.keys(epochs[0]!.trainMetrics!)).toEqual(['meanIoU', 'pixelAccuracy']);
        expect(epochs[0]!.trainAccuracy).toBe(epochs[0]!.trainMetrics!.pixelAccuracy);
        expect(done.metrics.test!.pixelAccuracy).toBeGreaterThan(0.7); // background is most pixels
        expect(done.perClassIoU).toHaveLength(11);
        expect(done.view?.kind).toBe('masks');
        if (done.view?.kind === 'masks') {
          const ds = await loadDataset(source, { limit: 8, testLimit: 16 });
          expect(done.view.samples).toHaveLength(8);
          expect(done.view.samples[3]!.truth).toEqual(Array.from(ds.test!.masks!.subarray(3 * 4096, 4 * 4096)));
          expect(done.view.samples[3]!.predicted.every((v) => v >= 0 && v < 11)).toBe(true);
        }
      } else {
        expect(epochs[0]!.trainAccuracy).toBeNull();
        expect(Object.keys(epochs[0]!.validationMetrics!)).toEqual(['psnr', 'mse']);
        expect(done.metrics.test!.psnr).toBeGreaterThan(5);
        expect(done.view?.kind).toBe('reconstructions');
        if (done.view?.kind === 'reconstructions') expect(done.view.samples[0]!.reconstruction).toHaveLength(784);
      }
      expect(epochs[0]!.view?.kind).toBe(done.view?.kind);
      await tf.setBackend('cpu');
      const compiled = compileGraph(doc, tf);
      applyCheckpoint(tf, compiled, await readCheckpoint(checkpointPath));
      compiled.model.dispose();
    },
    180_000,
  );
});
