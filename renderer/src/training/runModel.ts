/**
 * A training run as the editor draws it, built from the trainer's events (engine/train/protocol)
 * while it streams, or from its record in the run history (engine/runs/record.ts) once it is kept.
 * Curve arrays grow in place: charts redraw from them without React copying thousands of points
 * for every batch.
 */
import { recordTask, type EpochPoint, type RunRecord, type RunStatus, type RunSummary } from '../../../engine/runs/record';
import { isTaskId } from '../../../engine/task/ids';
import type { MetricId } from '../../../engine/task/metrics';
import { TASKS } from '../../../engine/task/registry';
import type { LayerFilters, TaskView, TrainerEvent } from '../../../engine/train/protocol';

type Started = Extract<TrainerEvent, { type: 'started' }>;
type Done = Extract<TrainerEvent, { type: 'done' }>;

export interface Curves {
  /** Epochs as a fractional axis: batch points at step / batchesPerEpoch, epoch points at whole numbers. */
  readonly batchX: number[];
  readonly batchLoss: number[];
  /** null where the task has no accuracy (reconstruction). */
  readonly batchAccuracy: (number | null)[];
  readonly epochX: number[];
  readonly validationLoss: (number | null)[];
  readonly validationAccuracy: (number | null)[];
  readonly trainLoss: number[];
  readonly trainAccuracy: (number | null)[];
  readonly learningRate: number[];
  /** One entry per epoch: node id → weight-gradient L2 norm. */
  readonly gradientNorms: Record<string, number>[];
  /** Per epoch, the task's headline metric (mean IoU, PSNR) on the training batches and on validation; empty for classifiers. */
  readonly trainMetric: (number | null)[];
  readonly validationMetric: (number | null)[];
}

export interface Run {
  readonly runId: string;
  /** The run's name: by what differs from the run before it, renamable. */
  readonly label: string;
  readonly status: RunStatus;
  readonly startedAt: number;
  readonly started: Started | null;
  readonly curves: Curves;
  readonly progress: {
    epoch: number;
    epochs: number;
    batch: number;
    batchesPerEpoch: number;
    samplesPerSecond: number;
    etaSeconds: number | null;
    /** When the last progress arrived (ms, the page's clock): the ETA counts down from there. */
    at: number;
  };
  readonly done: Done | null;
  readonly error: { message: string; kind: string } | null;
  readonly log: string[];
  /** The first conv layers' filters after the last epoch (`epoch`), or trained (`epoch` null), for watching them form. */
  readonly filters: { readonly epoch: number | null; readonly layers: readonly LayerFilters[] } | null;
  /** Segmentation's masks, an autoencoder's reconstructions and codes: after the last epoch (`epoch`), or trained (`epoch` null). */
  readonly view: { readonly epoch: number | null; readonly view: TaskView } | null;
  /** A run from the history whose curves are not loaded yet: what its summary says. */
  readonly summary: RunSummary | null;
  /** The graph it trained (history runs), for exporting its trained weights. */
  readonly graphName: string | null;
}

export const emptyCurves = (): Curves => ({
  batchX: [],
  batchLoss: [],
  batchAccuracy: [],
  epochX: [],
  validationLoss: [],
  validationAccuracy: [],
  trainLoss: [],
  trainAccuracy: [],
  learningRate: [],
  gradientNorms: [],
  trainMetric: [],
  validationMetric: [],
});

/**
 * The run's task: from its started event (a kept run's record restores it), else from its history
 * summary; classification before either arrives, or from older trainers.
 */
export const runTask = (run: Pick<Run, 'started'> & Partial<Pick<Run, 'summary'>>) =>
  isTaskId(run.started?.task) ? run.started.task : isTaskId(run.summary?.task) ? run.summary.task : 'classification';

const now = () => (typeof performance === 'undefined' ? Date.now() : performance.now());

export const newRun = (runId: string, label: string): Run => ({
  runId,
  label,
  status: 'running',
  startedAt: Date.now(),
  started: null,
  curves: emptyCurves(),
  progress: { epoch: 0, epochs: 0, batch: 0, batchesPerEpoch: 0, samplesPerSecond: 0, etaSeconds: null, at: now() },
  done: null,
  error: null,
  log: [],
  filters: null,
  view: null,
  summary: null,
  graphName: null,
});

/** Seconds left from the latest batch: the rest of this epoch and the epochs after it, at the measured rate. */
function batchEta(run: Run, event: Extract<TrainerEvent, { type: 'batch' }>): number | null {
  const epochs = run.progress.epochs || Number(run.started?.config.epochs ?? 0);
  const batchSize = Number(run.started?.config.batchSize ?? 0);
  if (!epochs || !batchSize || event.samplesPerSecond <= 0 || event.step < 3) return run.progress.etaSeconds;
  const left = (epochs - event.epoch) * event.batchesPerEpoch + (event.batchesPerEpoch - event.batch);
  return (left * batchSize) / event.samplesPerSecond;
}

/** One epoch's points appended to the curves: from the trainer's event, or a kept record's epoch (`headline`: the task's first metric). */
function pushEpoch(c: Curves, e: EpochPoint, headline: MetricId): void {
  c.epochX.push(e.epoch);
  c.trainLoss.push(e.trainLoss);
  c.trainAccuracy.push(e.trainAccuracy);
  c.validationLoss.push(e.validationLoss);
  c.validationAccuracy.push(e.validationAccuracy);
  c.learningRate.push(e.learningRate);
  c.gradientNorms.push({ ...e.gradientNorms });
  if (e.trainMetrics) {
    c.trainMetric.push(e.trainMetrics[headline] ?? null);
    c.validationMetric.push(e.validationMetrics?.[headline] ?? null);
  }
}

/** The run after one event; curve arrays are appended in place. */
export function applyEvent(run: Run, event: TrainerEvent): Run {
  const c = run.curves;
  switch (event.type) {
    case 'started':
      return { ...run, started: event, progress: { ...run.progress, epochs: Number(event.config.epochs ?? 0), at: now() } };
    case 'batch': {
      c.batchX.push(event.step / Math.max(1, event.batchesPerEpoch));
      c.batchLoss.push(event.loss);
      c.batchAccuracy.push(event.accuracy);
      const progress = {
        ...run.progress,
        epoch: event.epoch,
        batch: event.batch,
        batchesPerEpoch: event.batchesPerEpoch,
        samplesPerSecond: event.samplesPerSecond,
        etaSeconds: batchEta(run, event),
        at: now(),
      };
      return { ...run, progress };
    }
    case 'epoch':
      pushEpoch(c, event, TASKS[runTask(run)].metrics[0]!);
      return {
        ...run,
        progress: {
          ...run.progress,
          epoch: event.epoch,
          epochs: event.epochs,
          samplesPerSecond: event.samplesPerSecond,
          etaSeconds: event.etaSeconds,
          at: now(),
        },
        filters: event.filters ? { epoch: event.epoch, layers: event.filters } : run.filters,
        view: event.view ? { epoch: event.epoch, view: event.view } : run.view,
      };
    case 'done':
      return {
        ...run,
        status: event.stopped ? 'stopped' : 'done',
        done: event,
        progress: { ...run.progress, etaSeconds: 0, at: now() },
        filters: event.filters ? { epoch: null, layers: event.filters } : run.filters,
        view: event.view ? { epoch: null, view: event.view } : run.view,
      };
    case 'error':
      return { ...run, status: 'error', error: { message: event.message, kind: event.kind } };
    case 'log':
      return { ...run, log: [...run.log.slice(-50), event.message] };
    case 'inspected':
      // The answer to an inspection request, never part of a training run.
      return run;
  }
}

/** A history run not loaded yet: its row, without curves. */
export function fromSummary(summary: RunSummary): Run {
  return {
    ...newRun(summary.runId, summary.name),
    status: summary.status,
    startedAt: Date.parse(summary.startedAt),
    summary,
    graphName: summary.graphName,
  };
}

/** A kept run, whole: the same shape as one built from events, so every view draws both alike. */
export function fromRecord(record: RunRecord): Run {
  const curves = emptyCurves();
  curves.batchX.push(...record.curves.batches.x);
  curves.batchLoss.push(...record.curves.batches.loss);
  curves.batchAccuracy.push(...record.curves.batches.accuracy);
  const task = recordTask(record);
  for (const e of record.curves.epochs) pushEpoch(curves, e, TASKS[task].metrics[0]!);
  const d = record.dataset;
  const started: Started | null =
    record.backend && record.config
      ? {
          type: 'started',
          runId: record.runId,
          backend: { ...record.backend, skipped: [] },
          dataset: {
            name: d.name ?? d.source,
            trainCount: d.trainCount ?? 0,
            validationCount: d.validationCount ?? 0,
            testCount: d.testCount ?? 0,
            shape: d.shape ?? [],
            classNames: d.classNames ?? [],
          },
          params: record.params ?? 0,
          config: record.config,
          task,
          ...(record.filters.start ? { filters: record.filters.start } : {}),
          ...(record.initFrom ? { initFrom: record.initFrom } : {}),
        }
      : null;
  const done: Done | null = record.metrics
    ? {
        type: 'done',
        runId: record.runId,
        stopped: record.status === 'stopped',
        metrics: record.metrics,
        confusion: record.confusion?.map((row) => [...row]) ?? [],
        classNames: d.classNames ?? [],
        misclassified: [...record.misclassified],
        ...(record.perClassIoU ? { perClassIoU: [...record.perClassIoU] } : {}),
        ...(record.view ? { view: record.view } : {}),
        checkpoint: record.weights,
        ...(record.filters.trained ? { filters: record.filters.trained } : {}),
      }
    : null;
  const epochs = Number(record.config?.epochs ?? record.curves.epochs.length);
  return {
    ...newRun(record.runId, record.name),
    status: record.status,
    startedAt: Date.parse(record.startedAt),
    started,
    curves,
    progress: { epoch: record.curves.epochs.length, epochs, batch: 0, batchesPerEpoch: 0, samplesPerSecond: 0, etaSeconds: 0, at: now() },
    done,
    error: record.error,
    filters: record.filters.trained
      ? { epoch: null, layers: record.filters.trained }
      : record.filters.start
        ? { epoch: 0, layers: record.filters.start }
        : null,
    view: record.view ? { epoch: null, view: record.view } : null,
    graphName: record.graphName,
  };
}
