import { describe, expect, it } from 'vitest';
import type { TrainerEvent } from '../../engine/train/protocol';
import { alignLines } from '../../renderer/src/training/align';
import { yAxisSize } from '../../renderer/src/training/axis';
import { activeRun, useTraining } from '../../renderer/src/training/trainingStore';

const started: TrainerEvent = {
  type: 'started',
  runId: 'r1',
  backend: { name: 'wasm', detail: 'SIMD', skipped: [{ name: 'tensorflow', reason: 'not installed' }] },
  dataset: { name: 'MNIST', trainCount: 900, validationCount: 100, testCount: 200, shape: [28, 28, 1], classNames: ['0', '1'] },
  params: 10,
  config: { epochs: 2 },
};
const batch = (step: number, loss: number): TrainerEvent => ({
  type: 'batch',
  runId: 'r1',
  epoch: step <= 4 ? 1 : 2,
  batch: ((step - 1) % 4) + 1,
  batchesPerEpoch: 4,
  step,
  loss,
  accuracy: 1 - loss,
  samplesPerSecond: 500,
});
const epoch = (n: number): TrainerEvent => ({
  type: 'epoch',
  runId: 'r1',
  epoch: n,
  epochs: 2,
  trainLoss: 1 / n,
  trainAccuracy: 0.5,
  validationLoss: 0.9 / n,
  validationAccuracy: 0.6,
  learningRate: 0.001,
  samplesPerSecond: 500,
  etaSeconds: 2 - n,
  seconds: 1,
  backend: 'wasm',
  gradientNorms: { c1: 0.1 * n, d1: 1 },
});

describe('training runs built from trainer events', () => {
  it("keeps the first layer's filters as of the last epoch, then as trained", () => {
    const layer = (v: number) => [{ nodeId: 'c1', shape: [1, 1, 1, 2] as const, values: [v, -v] }];
    const store = useTraining;
    const runId = 'filters';
    store.getState().handle({ ...started, runId, filters: layer(0.1) });
    expect(store.getState().runs.find((r) => r.runId === runId)!.filters).toBeNull();
    store.getState().handle({ ...(epoch(1) as Extract<TrainerEvent, { type: 'epoch' }>), runId, filters: layer(0.2) });
    expect(store.getState().runs.find((r) => r.runId === runId)!.filters).toEqual({ epoch: 1, layers: layer(0.2) });
    store.getState().handle({ ...(epoch(2) as Extract<TrainerEvent, { type: 'epoch' }>), runId }); // an older trainer sends none: keep what we have
    expect(store.getState().runs.find((r) => r.runId === runId)!.filters).toEqual({ epoch: 1, layers: layer(0.2) });
    store.getState().handle({
      type: 'done',
      runId,
      stopped: false,
      metrics: { testLoss: null, testAccuracy: null, trainLoss: null, trainAccuracy: null, seconds: 1, epochsCompleted: 2 },
      confusion: [],
      classNames: [],
      misclassified: [],
      checkpoint: null,
      filters: layer(0.3),
    });
    expect(store.getState().runs.find((r) => r.runId === runId)!.filters).toEqual({ epoch: null, layers: layer(0.3) });
  });

  it('follows a run from start to results; curves share an epoch axis', () => {
    const store = useTraining;
    // Events may arrive before train.start's answer: the run is created on the first one.
    for (const e of [started, batch(1, 2.3), batch(2, 2.0), batch(4, 1.5), epoch(1), batch(6, 1.0), epoch(2)]) store.getState().handle(e);
    store.getState().begin('r1', 'LeNet #1');
    const run = activeRun(store.getState())!;
    expect(run.label).toBe('LeNet #1');
    expect(run.started?.backend.skipped[0]?.reason).toBe('not installed');
    expect(run.curves.batchX).toEqual([0.25, 0.5, 1, 1.5]);
    expect(run.curves.batchLoss).toEqual([2.3, 2.0, 1.5, 1.0]);
    expect(run.curves.epochX).toEqual([1, 2]);
    expect(run.curves.gradientNorms).toEqual([
      { c1: 0.1, d1: 1 },
      { c1: 0.2, d1: 1 },
    ]);
    expect(run.progress).toMatchObject({ epoch: 2, epochs: 2, etaSeconds: 0 });
    store.getState().handle({
      type: 'done',
      runId: 'r1',
      stopped: false,
      metrics: { testLoss: 0.5, testAccuracy: 0.9, trainLoss: 0.4, trainAccuracy: 0.95, seconds: 3, epochsCompleted: 2 },
      confusion: [
        [9, 1],
        [1, 9],
      ],
      classNames: ['0', '1'],
      misclassified: [{ index: 3, label: 0, predicted: 1, confidence: 0.7, pixels: [0, 255, 0, 255], shape: [2, 2, 1] }],
      checkpoint: null,
    });
    expect(activeRun(store.getState())?.status).toBe('done');
    // The first misclassified digit becomes the receptive-field view's sample.
    expect(store.getState().sample).toEqual({ pixels: [0, 255, 0, 255], shape: [2, 2, 1] });
    store.getState().handle({ type: 'error', runId: 'r2', message: 'loss became NaN', kind: 'diverged' });
    expect(store.getState().runs.find((r) => r.runId === 'r2')).toMatchObject({ status: 'error', error: { kind: 'diverged' } });
  });

  it('aligns lines of different x onto one axis with gaps', () => {
    expect(
      alignLines([
        { x: [0.5, 1, 1.5], y: [3, 2, 1] },
        { x: [1], y: [2.5] },
      ]),
    ).toEqual([
      [0.5, 1, 1.5],
      [3, 2, 1],
      [null, 2.5, null],
    ]);
  });
});

describe('the dock’s numbers', () => {
  it('a time left from the first batches, before any epoch ends', () => {
    const runId = 'eta';
    const store = useTraining;
    store.getState().handle({ ...started, runId, config: { epochs: 2, batchSize: 100 } } as TrainerEvent);
    // 4 batches of 100 per epoch at 200 samples/s; after batch 3 of epoch 1: 1 + 4 batches left = 500 samples = 2.5 s.
    for (const step of [1, 2, 3])
      store.getState().handle({ ...(batch(step, 1) as Extract<TrainerEvent, { type: 'batch' }>), runId, samplesPerSecond: 200 });
    expect(store.getState().runs.find((r) => r.runId === runId)!.progress.etaSeconds).toBeCloseTo(2.5);
  });

  it('a y axis as wide as its longest label', () => {
    expect(yAxisSize(null as never, ['0.5', '1', '1.5'])).toBe(42);
    expect(yAxisSize(null as never, ['0', '5000', '10000'])).toBeGreaterThanOrEqual(5 * 7 + 16);
  });
});
