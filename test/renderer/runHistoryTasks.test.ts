/**
 * Runs reloaded from the history keep their task: a segmentation or autoencoder run's record (built
 * from its events, written as JSON and read back) restores the task, the mean IoU or PSNR per epoch,
 * the IoU per class and the trained masks; the runs table shows mean IoU or PSNR, never a
 * segmentation's pixel accuracy as "accuracy"; records from before the task was kept still read
 * theirs from the settings.
 */
import { describe, expect, it } from 'vitest';
import { applyRunEvent, newRunRecord, parseRunRecord, summarize, type RunRecord } from '../../engine/runs/record';
import type { TaskId } from '../../engine/task/ids';
import type { MetricValues, TaskView, TrainerEvent } from '../../engine/train/protocol';
import { runFigure } from '../../renderer/src/training/dock/RunsTable';
import { fromRecord, fromSummary, runTask } from '../../renderer/src/training/runModel';

const runId = 'run-abc123';
const view: TaskView = { kind: 'masks', samples: [{ index: 0, pixels: [0, 255], shape: [1, 2, 1], truth: [0, 3], predicted: [0, 3] }] };

function events(task: TaskId, epochMetrics: MetricValues, test: MetricValues, testAccuracy: number | null): TrainerEvent[] {
  const epoch = (n: number): TrainerEvent => ({
    type: 'epoch',
    runId,
    epoch: n,
    epochs: 2,
    trainLoss: 1 / n,
    trainAccuracy: testAccuracy,
    validationLoss: 1 / n,
    validationAccuracy: testAccuracy,
    trainMetrics: epochMetrics,
    validationMetrics: epochMetrics,
    learningRate: 0.001,
    samplesPerSecond: 10,
    etaSeconds: 0,
    seconds: 1,
    backend: 'wasm',
    gradientNorms: {},
  });
  return [
    {
      type: 'started',
      runId,
      task,
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
      config: { epochs: 2, task },
    },
    epoch(1),
    epoch(2),
    {
      type: 'done',
      runId,
      stopped: false,
      metrics: { testLoss: 0.2, testAccuracy, trainLoss: 0.5, trainAccuracy: testAccuracy, seconds: 2, epochsCompleted: 2, test },
      ...(task === 'segmentation' ? { perClassIoU: [0.99, 0.1, null, 0.3], view } : {}),
      confusion: [],
      classNames: [],
      misclassified: [],
      checkpoint: '/tmp/w.json',
    },
  ];
}

/** The record as the host writes it and reads it back. */
function kept(list: TrainerEvent[]): RunRecord {
  const graph = { format: 'netcanvas.graph' as const, version: 1 as const, name: 'FCN', nodes: [], edges: [] };
  let record = newRunRecord({
    runId,
    name: 'FCN',
    graph,
    dataset: { source: 'embedded:mnist-segmentation' },
    runner: 'tfjs',
    startedAt: '',
  });
  for (const e of list) record = applyRunEvent(record, e, () => 'now');
  const parsed = parseRunRecord(JSON.stringify(record));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.record;
}

describe('runs reloaded from the history keep their task', () => {
  it('segmentation: the task, mean IoU per epoch, IoU per class and masks; the table shows mean IoU, not pixel accuracy', () => {
    const record = kept(events('segmentation', { meanIoU: 0.4, pixelAccuracy: 0.95 }, { meanIoU: 0.142, pixelAccuracy: 0.954 }, 0.954));
    const run = fromRecord(record);
    expect(runTask(run)).toBe('segmentation');
    expect(run.curves.trainMetric).toEqual([0.4, 0.4]);
    expect(run.done?.perClassIoU).toEqual([0.99, 0.1, null, 0.3]);
    expect(run.view).toEqual({ epoch: null, view });
    expect(runFigure(run)).toBe('mean IoU 14.2%');

    const summary = summarize(record);
    expect(summary).toMatchObject({ task: 'segmentation', testMetrics: { meanIoU: 0.142, pixelAccuracy: 0.954 } });
    const row = fromSummary(summary);
    expect(runTask(row)).toBe('segmentation');
    expect(runFigure(row)).toBe('mean IoU 14.2%');
  });

  it('reconstruction: PSNR per epoch and in the table', () => {
    const record = kept(events('reconstruction', { psnr: 11, mse: 0.08 }, { psnr: 12.26, mse: 0.0595 }, null));
    const run = fromRecord(record);
    expect(runTask(run)).toBe('reconstruction');
    expect(run.curves.trainMetric).toEqual([11, 11]);
    expect(runFigure(run)).toBe('PSNR 12.3 dB');
    expect(runFigure(fromSummary(summarize(record)))).toBe('PSNR 12.3 dB');
  });

  it('a classifier still shows its accuracy; a record kept before the task was (no task field) reads it from its settings', () => {
    const classifier = kept(events('classification', { accuracy: 0.9 }, { accuracy: 0.974 }, 0.974));
    expect(runFigure(fromRecord(classifier))).toBe('97.4%');
    expect(runFigure(fromSummary(summarize(classifier)))).toBe('97.4%');

    const { task: _, ...older } = kept(events('segmentation', { meanIoU: 0.4 }, { meanIoU: 0.2, pixelAccuracy: 0.9 }, 0.9));
    expect(runTask(fromRecord(older))).toBe('segmentation');
    expect(summarize(older).task).toBe('segmentation');
  });
});
