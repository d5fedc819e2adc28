/**
 * A training run as it is kept in the data folder ("netcanvas.run" v1): one folder per run,
 * `runs/<runId>/run.json` beside the run's checkpoint `runs/<runId>/weights.json`. The record is
 * built from the trainer's own events (engine/train/protocol), so it says exactly what the run
 * showed: the graph and settings it trained, the dataset, the per-epoch curves (and the batch loss,
 * thinned), the gradient norms, the results and the first layer's filters. Pure, so the hosts
 * (which write it), the editor (which overlays runs), lessons (which read results) and ensembles
 * (which pick runs) share one definition.
 *
 * @example
 *   let record = newRunRecord({ runId, graph, dataset: { source: 'embedded:mnist' }, runner: 'tfjs', name: 'LeNet-5', startedAt });
 *   for (const event of events) record = applyRunEvent(record, event);
 *   // record.status 'done', record.metrics.testAccuracy 0.97, record.curves.epochs.length 3
 */
import type { GraphDoc } from '../graph/types';
import { isTaskId, type TaskId } from '../task/ids';
import type { DatasetRequest, LayerFilters, MetricValues, MisclassifiedSample, TaskView, TrainerEvent } from '../train/protocol';
import type { InitReport } from '../train/transfer';

export const RUN_FORMAT = 'netcanvas.run';
export const RUN_VERSION = 1;
/** The checkpoint's file name inside a run's folder. */
export const RUN_WEIGHTS = 'weights.json';
/** At most this many batch points are kept (evenly thinned); the epochs are all kept. */
export const MAX_BATCH_POINTS = 2000;
/** Misclassified test samples kept for the results view. */
export const MAX_KEPT_MISTAKES = 24;

export type RunStatus = 'running' | 'done' | 'stopped' | 'error' | 'interrupted';

export interface EpochPoint {
  /** 1-based. */
  readonly epoch: number;
  readonly trainLoss: number;
  /** null for a task without an accuracy (reconstruction). */
  readonly trainAccuracy: number | null;
  readonly validationLoss: number | null;
  readonly validationAccuracy: number | null;
  readonly learningRate: number;
  readonly seconds: number;
  /** Weight-gradient L2 norm per layer (node id), averaged over the epoch. */
  readonly gradientNorms: Readonly<Record<string, number>>;
  /** The task's metrics (segmentation, reconstruction), as the epoch event carried them; absent for classifiers and older records. */
  readonly trainMetrics?: MetricValues;
  readonly validationMetrics?: MetricValues | null;
}

export interface RunRecord {
  readonly format: typeof RUN_FORMAT;
  readonly version: typeof RUN_VERSION;
  readonly runId: string;
  /** What the editor shows: named by what differs from the run before it, renamable. */
  readonly name: string;
  readonly graphName: string;
  /** The document as it was trained (its `training` is what the run used, before defaults). */
  readonly graph: GraphDoc;
  readonly runner: 'tfjs' | 'pytorch';
  /** What the run trained for (engine/task), from its started event; absent in records of older versions: see `recordTask`. */
  readonly task?: TaskId;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: RunStatus;
  readonly error: { readonly message: string; readonly kind: string } | null;
  /** What was asked for, and what the trainer found (null until it started). */
  readonly dataset: DatasetRequest & {
    readonly name?: string;
    readonly trainCount?: number;
    readonly validationCount?: number;
    readonly testCount?: number;
    readonly shape?: readonly number[];
    readonly classNames?: readonly string[];
  };
  /** The training settings with defaults filled in, as the trainer reported them. */
  readonly config: Readonly<Record<string, unknown>> | null;
  readonly backend: { readonly name: string; readonly detail: string; readonly device?: string } | null;
  readonly params: number | null;
  readonly curves: {
    readonly epochs: readonly EpochPoint[];
    /** Batch points: x in epochs (step / batches per epoch), the loss and accuracy of that batch. */
    readonly batches: { readonly x: readonly number[]; readonly loss: readonly number[]; readonly accuracy: readonly (number | null)[] };
  };
  readonly metrics: Extract<TrainerEvent, { type: 'done' }>['metrics'] | null;
  readonly confusion: readonly (readonly number[])[] | null;
  readonly misclassified: readonly MisclassifiedSample[];
  /** Segmentation: IoU of each class on the test split (null where a class is neither present nor predicted). */
  readonly perClassIoU?: readonly (number | null)[];
  /** The trained net's masks or reconstructions (and codes) on the first test samples, as `done` carried them. */
  readonly view?: TaskView;
  readonly filters: { readonly start: readonly LayerFilters[] | null; readonly trained: readonly LayerFilters[] | null };
  /** The checkpoint's file name in the run's folder, once saved. */
  readonly weights: string | null;
  /** A run started from a checkpoint (transfer learning): which nodes loaded it, which started fresh and why. */
  readonly initFrom?: InitReport;
}

/** What lists and pickers need, without the curves and pictures. */
export interface RunSummary {
  readonly runId: string;
  readonly name: string;
  readonly graphName: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** Classification: the test accuracy; segmentation: the pixel accuracy (see `task` and `testMetrics`); reconstruction: null. */
  readonly testAccuracy: number | null;
  readonly testLoss: number | null;
  /** What the run trained for: the runs table shows its headline metric (accuracy, mean IoU, PSNR). */
  readonly task: TaskId;
  /** The task's test metrics (mean IoU, pixel accuracy; PSNR, MSE), where the task has them. */
  readonly testMetrics?: MetricValues;
  readonly epochsCompleted: number;
  readonly datasetSource: string;
  readonly hasWeights: boolean;
}

export function newRunRecord(start: {
  runId: string;
  name: string;
  graph: GraphDoc;
  dataset: DatasetRequest;
  runner: 'tfjs' | 'pytorch';
  startedAt: string;
}): RunRecord {
  return {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    runId: start.runId,
    name: start.name,
    graphName: start.graph.name,
    graph: start.graph,
    runner: start.runner,
    startedAt: start.startedAt,
    finishedAt: null,
    status: 'running',
    error: null,
    dataset: { ...start.dataset },
    config: null,
    backend: null,
    params: null,
    curves: { epochs: [], batches: { x: [], loss: [], accuracy: [] } },
    metrics: null,
    confusion: null,
    misclassified: [],
    filters: { start: null, trained: null },
    weights: null,
  };
}

/** Keeps every other point once there are too many: evenly thinned, the newest always kept. */
function thin(batches: RunRecord['curves']['batches']): RunRecord['curves']['batches'] {
  if (batches.x.length <= MAX_BATCH_POINTS) return batches;
  const keep = (_: unknown, i: number, all: { readonly length: number }) => i % 2 === 0 || i === all.length - 1;
  return { x: batches.x.filter(keep), loss: batches.loss.filter(keep), accuracy: batches.accuracy.filter(keep) };
}

/** The record after one trainer event; `now` stamps the end. Never mutates `record`. */
export function applyRunEvent(record: RunRecord, event: TrainerEvent, now = () => new Date().toISOString()): RunRecord {
  switch (event.type) {
    case 'started':
      return {
        ...record,
        ...(isTaskId(event.task) ? { task: event.task } : {}),
        dataset: { ...record.dataset, ...event.dataset },
        config: event.config,
        backend: {
          name: event.backend.name,
          detail: event.backend.detail,
          ...(event.backend.device ? { device: event.backend.device } : {}),
        },
        params: event.params,
        filters: { ...record.filters, start: event.filters ?? null },
        ...(event.initFrom ? { initFrom: event.initFrom } : {}),
      };
    case 'batch': {
      const b = record.curves.batches;
      const batches = thin({
        x: [...b.x, event.step / Math.max(1, event.batchesPerEpoch)],
        loss: [...b.loss, event.loss],
        accuracy: [...b.accuracy, event.accuracy],
      });
      return { ...record, curves: { ...record.curves, batches } };
    }
    case 'epoch': {
      const point: EpochPoint = {
        epoch: event.epoch,
        trainLoss: event.trainLoss,
        trainAccuracy: event.trainAccuracy,
        validationLoss: event.validationLoss,
        validationAccuracy: event.validationAccuracy,
        learningRate: event.learningRate,
        seconds: event.seconds,
        gradientNorms: { ...event.gradientNorms },
        ...(event.trainMetrics ? { trainMetrics: event.trainMetrics, validationMetrics: event.validationMetrics ?? null } : {}),
      };
      return { ...record, curves: { ...record.curves, epochs: [...record.curves.epochs, point] } };
    }
    case 'done':
      return {
        ...record,
        status: event.stopped ? 'stopped' : 'done',
        finishedAt: now(),
        metrics: event.metrics,
        confusion: event.confusion,
        misclassified: event.misclassified.slice(0, MAX_KEPT_MISTAKES),
        ...(event.perClassIoU ? { perClassIoU: event.perClassIoU } : {}),
        ...(event.view ? { view: event.view } : {}),
        filters: { ...record.filters, trained: event.filters ?? null },
        weights: event.checkpoint ? RUN_WEIGHTS : null,
      };
    case 'error':
      return {
        ...record,
        status: 'error',
        finishedAt: now(),
        error: { message: event.message, kind: event.kind },
        weights: event.checkpoint ? RUN_WEIGHTS : record.weights,
      };
    case 'log':
    case 'inspected':
      return record;
  }
}

/**
 * The task a record's run trained for: its own field, else (records from before it was kept) the
 * settings the trainer reported or the graph's, else classification.
 */
export function recordTask(record: Pick<RunRecord, 'task' | 'config' | 'graph'>): TaskId {
  for (const candidate of [record.task, record.config?.['task'], record.graph.training?.task]) if (isTaskId(candidate)) return candidate;
  return 'classification';
}

export function summarize(record: RunRecord): RunSummary {
  return {
    runId: record.runId,
    name: record.name,
    graphName: record.graphName,
    status: record.status,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    testAccuracy: record.metrics?.testAccuracy ?? null,
    testLoss: record.metrics?.testLoss ?? null,
    task: recordTask(record),
    ...(record.metrics?.test ? { testMetrics: record.metrics.test } : {}),
    epochsCompleted: record.metrics?.epochsCompleted ?? record.curves.epochs.length,
    datasetSource: record.dataset.source,
    hasWeights: record.weights !== null,
  };
}

/** Run ids as the hosts make them (`run-` and 8 hex digits): safe as folder names. */
export const RUN_ID = /^run-[a-z0-9-]{1,40}$/;

/** A record read back from disk, or why it cannot be used (one line). */
export function parseRunRecord(text: string): { ok: true; record: RunRecord } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
  const r = value as Partial<RunRecord> | null;
  if (r?.format !== RUN_FORMAT || r.version !== RUN_VERSION) return { ok: false, error: `not a ${RUN_FORMAT} v${RUN_VERSION} record` };
  if (typeof r.runId !== 'string' || !RUN_ID.test(r.runId) || typeof r.name !== 'string' || typeof r.graph !== 'object' || !r.curves)
    return { ok: false, error: 'the record is incomplete' };
  return { ok: true, record: r as RunRecord };
}
