/**
 * The trainer process's message protocol. The CLI (child_process.fork), the web host and the
 * desktop host (Electron utilityProcess) all speak it; `netcanvas train --json` prints the
 * events one JSON object per line. Everything here is plain data: numbers, never tensors.
 */
import type { GraphDoc } from '../graph/types';
import type { InspectJob, InspectResult } from '../inspect/jobs';
import type { InitReport } from './transfer';
import type { TaskId } from '../task/ids';
import type { MetricId } from '../task/metrics';

/** What to train on: `embedded:mnist`, or a path (IDX folder or file, CIFAR folder, image folder, .csv). */
export interface DatasetRequest {
  readonly source: string;
  /** Use at most this many training / test samples (quick runs and tests). */
  readonly limit?: number;
  readonly testLimit?: number;
  readonly normalization?: 'unit' | 'standard';
}

/** Parent → trainer. */
export type TrainerRequest =
  | {
      readonly type: 'start';
      readonly runId: string;
      readonly graph: GraphDoc;
      readonly dataset: DatasetRequest;
      /** Overrides merged over `graph.training` (e.g. the CLI's --epochs). */
      readonly config?: Readonly<Record<string, unknown>>;
      /** Force a backend by name (--backend); otherwise the best available. */
      readonly backend?: string;
      /** Where to write the trained weights; omitted: not saved. */
      readonly checkpointPath?: string;
      /**
       * Transfer learning: start from another run's checkpoint (a `.weights.json`): nodes whose id and
       * weight shapes match take its weights, the rest start fresh (`started.initFrom` says which).
       */
      readonly initFrom?: string;
    }
  | { readonly type: 'stop'; readonly runId: string }
  /** Measure trained nets (engine/inspect/jobs.ts); answered by one `inspected` event, or `error`. `runId` names the job. */
  | { readonly type: 'inspect'; readonly runId: string; readonly job: InspectJob };

export interface BackendReport {
  readonly name: string;
  /** e.g. the GPU adapter's name, or "WebAssembly SIMD, 2 threads". */
  readonly detail: string;
  /** Why each better backend was not used. */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
  /** The GPU adapter's name (e.g. "nvidia hopper NVIDIA H100") when training runs on one. */
  readonly device?: string;
}

export interface MisclassifiedSample {
  readonly index: number;
  readonly label: number;
  readonly predicted: number;
  readonly confidence: number;
  /** The sample as 0–255 grey or RGB bytes, channels-last, for drawing. */
  readonly pixels: number[];
  readonly shape: readonly number[];
}

/** The kernels of a conv layer that reads the input image, for drawing as pictures (../train/filters). */
export interface LayerFilters {
  readonly nodeId: string;
  /** [kernel height, kernel width, input channels (1 or 3), filters]. */
  readonly shape: readonly [number, number, number, number];
  /** Row-major in `shape`'s order (tfjs's kernel layout). */
  readonly values: readonly number[];
}

/** A split's task metrics by name (engine/task/metrics.ts): `meanIoU`, `pixelAccuracy`, `psnr` (dB), `mse`, `accuracy`. */
export type MetricValues = Readonly<Partial<Record<MetricId, number>>>;

/** A test image with its true mask and the net's, for segmentation's view. Masks are H·W class ids, row-major. */
export interface MaskSample {
  readonly index: number;
  /** The image as 0–255 grey or RGB bytes, channels-last. */
  readonly pixels: number[];
  readonly shape: readonly number[];
  readonly truth: number[];
  readonly predicted: number[];
}

/** A test image and the autoencoder's reconstruction of it, both 0–255 bytes of `shape`. */
export interface ReconstructionSample {
  readonly index: number;
  readonly pixels: number[];
  readonly reconstruction: number[];
  readonly shape: readonly number[];
}

/** The test set's codes at a node with 2 outputs (an autoencoder's bottleneck), coloured by class where samples have one. */
export interface CodePoints {
  readonly nodeId: string;
  readonly x: number[];
  readonly y: number[];
  /** The samples' classes (indices into the dataset's class names), or null for a dataset without labels. */
  readonly labels: number[] | null;
}

/** What a task draws of the net's predictions, streamed each epoch and sent with `done` (engine/task views). */
export type TaskView =
  | { readonly kind: 'masks'; readonly samples: readonly MaskSample[] }
  | { readonly kind: 'reconstructions'; readonly samples: readonly ReconstructionSample[]; readonly codes?: CodePoints };

/** Trainer → parent. */
export type TrainerEvent =
  | {
      readonly type: 'started';
      readonly runId: string;
      readonly backend: BackendReport;
      readonly dataset: {
        readonly name: string;
        readonly trainCount: number;
        readonly validationCount: number;
        readonly testCount: number;
        readonly shape: readonly number[];
        readonly classNames: readonly string[];
      };
      readonly params: number;
      readonly config: Readonly<Record<string, unknown>>;
      /** The graph's task (`training.task`); absent from older trainers: classification. */
      readonly task?: TaskId;
      /** The first conv layers' filters as initialised (absent when the graph has none). */
      readonly filters?: readonly LayerFilters[];
      /** With `initFrom`: which nodes took the checkpoint's weights, which did not and why. */
      readonly initFrom?: InitReport;
    }
  | {
      /** Coalesced: at most 20 per second; the latest batch wins. */
      readonly type: 'batch';
      readonly runId: string;
      readonly epoch: number;
      readonly batch: number;
      readonly batchesPerEpoch: number;
      /** Global step, counting from 1. */
      readonly step: number;
      readonly loss: number;
      /** Accuracy (classification) or pixel accuracy (segmentation) of this batch; null for reconstruction. */
      readonly accuracy: number | null;
      readonly samplesPerSecond: number;
      /** This batch's task metrics, for tasks whose headline is not an accuracy (reconstruction: psnr, mse). */
      readonly metrics?: MetricValues;
    }
  | {
      readonly type: 'epoch';
      readonly runId: string;
      /** 1-based. */
      readonly epoch: number;
      readonly epochs: number;
      readonly trainLoss: number;
      /** null for a task without an accuracy (reconstruction). */
      readonly trainAccuracy: number | null;
      readonly validationLoss: number | null;
      readonly validationAccuracy: number | null;
      /** The task's metrics over the epoch's training batches and over the validation split (segmentation, reconstruction). */
      readonly trainMetrics?: MetricValues;
      readonly validationMetrics?: MetricValues | null;
      /** The net's predictions on a few test samples after this epoch (segmentation, reconstruction). */
      readonly view?: TaskView;
      readonly learningRate: number;
      readonly samplesPerSecond: number;
      readonly etaSeconds: number;
      readonly seconds: number;
      readonly backend: string;
      /** The GPU adapter's name when the backend runs on one (as in `started.backend.device`). */
      readonly device?: string;
      /** L2 norm of each layer's weight gradient, averaged over the epoch's batches (on a GPU, over the batches whose statistics were read), by node id. */
      readonly gradientNorms: Readonly<Record<string, number>>;
      /** The filters of `started.filters` as they are after this epoch. */
      readonly filters?: readonly LayerFilters[];
    }
  | {
      readonly type: 'done';
      readonly runId: string;
      /** True when stopped early by request (the weights so far are kept). */
      readonly stopped: boolean;
      readonly metrics: {
        readonly testLoss: number | null;
        readonly testAccuracy: number | null;
        readonly trainLoss: number | null;
        readonly trainAccuracy: number | null;
        readonly seconds: number;
        readonly epochsCompleted: number;
        /** The task's metrics on the test split (segmentation: meanIoU, pixelAccuracy; reconstruction: psnr, mse). */
        readonly test?: MetricValues;
      };
      /** Segmentation: IoU of each class on the test split (null where a class is neither present nor predicted). */
      readonly perClassIoU?: readonly (number | null)[];
      /** The trained net's predictions on a few test samples (segmentation, reconstruction). */
      readonly view?: TaskView;
      /** confusion[true][predicted] counts on the test set. */
      readonly confusion: number[][];
      readonly classNames: readonly string[];
      readonly misclassified: MisclassifiedSample[];
      readonly checkpoint: string | null;
      /**
       * Why the weights could not be saved (the disk filled up during the run), when a checkpoint
       * was asked for and `checkpoint` is null; the metrics above are still the run's.
       */
      readonly saveError?: string;
      /** The same filters as `started.filters`, as trained. */
      readonly filters?: readonly LayerFilters[];
    }
  | {
      readonly type: 'error';
      readonly runId: string;
      readonly message: string;
      /** What went wrong, for the UI to choose words and actions. */
      readonly kind: 'graph' | 'dataset' | 'config' | 'diverged' | 'backend' | 'internal';
      /**
       * The checkpoint file there is after the failure, if any: a previous run's (a diverged run
       * never replaces it) or, where there was none, this run's last finite weights.
       */
      readonly checkpoint?: string | null;
    }
  | { readonly type: 'log'; readonly runId: string; readonly message: string }
  /** The answer to an `inspect` request. */
  | { readonly type: 'inspected'; readonly runId: string; readonly result: InspectResult };

export type TrainerEventType = TrainerEvent['type'];
