/** A segmentation run as the store builds it: the headline metric per epoch, and the masks of the latest epoch, then as trained. */
import { describe, expect, it } from 'vitest';
import type { TaskView, TrainerEvent } from '../../engine/train/protocol';
import { classColour } from '../../renderer/src/training/TaskViews';
import { runTask, useTraining } from '../../renderer/src/training/trainingStore';

const runId = 'seg';
const masks = (p: number): TaskView => ({
  kind: 'masks',
  samples: [{ index: 0, pixels: [0, 255], shape: [1, 2, 1], truth: [0, 3], predicted: [0, p] }],
});
const epoch = (n: number, meanIoU: number, view?: TaskView): TrainerEvent => ({
  type: 'epoch',
  runId,
  epoch: n,
  epochs: 2,
  trainLoss: 1,
  trainAccuracy: 0.9,
  validationLoss: 1,
  validationAccuracy: 0.9,
  trainMetrics: { meanIoU, pixelAccuracy: 0.9 },
  validationMetrics: { meanIoU: meanIoU - 0.1, pixelAccuracy: 0.9 },
  ...(view ? { view } : {}),
  learningRate: 0.001,
  samplesPerSecond: 10,
  etaSeconds: 0,
  seconds: 1,
  backend: 'wasm',
  gradientNorms: {},
});

describe('task runs in the store', () => {
  it('keeps mean IoU per epoch and the latest masks, then the trained ones', () => {
    const s = useTraining.getState;
    s().handle({
      type: 'started',
      runId,
      backend: { name: 'wasm', detail: '', skipped: [] },
      dataset: {
        name: 'scenes',
        trainCount: 9,
        validationCount: 1,
        testCount: 2,
        shape: [1, 2, 1],
        classNames: ['background', 'a', 'b', 'c'],
      },
      params: 1,
      config: {},
      task: 'segmentation',
    });
    const run = () => s().runs.find((r) => r.runId === runId)!;
    expect(runTask(run())).toBe('segmentation');
    s().handle(epoch(1, 0.4, masks(1)));
    s().handle(epoch(2, 0.6)); // no view this epoch: the last one stays
    expect(run().curves.trainMetric).toEqual([0.4, 0.6]);
    expect(run().curves.validationMetric.map((v) => +v!.toFixed(2))).toEqual([0.3, 0.5]);
    expect(run().view).toEqual({ epoch: 1, view: masks(1) });
    s().handle({
      type: 'done',
      runId,
      stopped: false,
      metrics: { testLoss: 1, testAccuracy: 0.9, trainLoss: 1, trainAccuracy: 0.9, seconds: 1, epochsCompleted: 2, test: { meanIoU: 0.5 } },
      perClassIoU: [0.9, null, 0.1, 0.5],
      view: masks(3),
      confusion: [],
      classNames: ['background', 'a', 'b', 'c'],
      misclassified: [],
      checkpoint: null,
    });
    expect(run().view).toEqual({ epoch: null, view: masks(3) });
  });

  it('gives each class its own colour, neighbours clearly apart', () => {
    const colours = Array.from({ length: 11 }, (_, c) => classColour(c + 1).join());
    expect(new Set(colours).size).toBe(11);
    const [a, b] = [classColour(1), classColour(2)];
    expect(Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2])).toBeGreaterThan(100);
  });
});
