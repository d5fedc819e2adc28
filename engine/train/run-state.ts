/**
 * What a training run holds while it runs, shared by its steps (./train: set up, train epochs,
 * finish; ./epoch: one epoch's batches): the run's parts once set up, and the failure type whose
 * message the user sees.
 */
import type * as tf from '@tensorflow/tfjs';
import type { CompiledGraph } from '../compile/compile';
import type { Dataset, Split } from '../data/types';
import type { TrainingConfig } from '../graph/training';
import type { Acceleration } from './acceleration';
import type { BatchSource } from './batches';
import type { DivergenceWatch } from './divergence';
import type { BackendReport, TrainerEvent, TrainerRequest } from './protocol';
import type { TrainStep } from './step';
import type { InitReport } from './transfer';
import type { TaskRun } from './task-run';

export type StartRequest = Extract<TrainerRequest, { type: 'start' }>;
type ErrorKind = Extract<TrainerEvent, { type: 'error' }>['kind'];

/** A failure with the words the user will see and the kind the UI chooses actions by. */
export class RunError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly checkpoint: string | null = null,
  ) {
    super(message);
  }
}

/** What the run has made so far, for `train` to dispose, and how to tell a GPU fault from other failures. */
export interface Held {
  compiled?: CompiledGraph;
  optimizer?: tf.Optimizer;
  batches?: BatchSource;
  step?: TrainStep;
  acceleration?: Acceleration;
  deviceFailure?(): RunError | null;
}

/** A run once set up: everything an epoch, the final test and the events need. */
export interface RunState {
  readonly request: StartRequest;
  readonly emit: (event: TrainerEvent) => void;
  readonly clock: () => number;
  readonly signal: AbortSignal | undefined;
  readonly config: TrainingConfig;
  readonly backend: BackendReport;
  readonly ds: Dataset;
  readonly trainSplit: Split;
  readonly validation: Split;
  readonly batchSize: number;
  readonly acceleration: Acceleration;
  readonly compiled: CompiledGraph;
  readonly optimizer: tf.Optimizer;
  readonly batches: BatchSource;
  readonly step: TrainStep;
  /** With `request.initFrom`: which nodes took the checkpoint's weights (transfer learning). */
  readonly initFrom: InitReport | undefined;
  /** The graph's task as this run trains it: loss, sums, metrics (engine/task). */
  readonly task: TaskRun;
  /** Names where the run is, for a GPU fault's message ("by epoch 2, batch 31"). */
  at(where: string): void;
  /** Throws the GPU's fault, if the device reported one: after it, no number can be trusted. */
  checkDevice(): void;
  /** Whether the run's losses so far say it diverged (./divergence). */
  readonly divergence: DivergenceWatch;
  /** Writes the checkpoint when the request asks for one, replacing the old one; its path, or null. Rejects with an IoError. */
  save(): Promise<string | null>;
}
