/**
 * What a task declares. The trainer, the evaluator, the checker, the exporters and the renderer
 * read these through the registry (./registry.ts); none of them switches on a task's name.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { LossId, TaskId } from './ids';
import type { MetricId } from './metrics';

type Tf = typeof tfType;

/**
 * What a dataset must carry for the task: a class label per sample, a mask (a class per pixel) per
 * sample, or nothing beyond the samples themselves (the input is its own target).
 */
export type TaskTarget = 'labels' | 'masks' | 'input';

/** The result views a run of the task shows, besides the loss curve. */
export type ViewId = 'accuracy' | 'confusion' | 'misclassified' | 'masks' | 'meanIoU' | 'classIoU' | 'psnr' | 'reconstructions' | 'codes';

/** The mean softmax cross-entropy of scores [N, classes] against class indices [N] (the backend may fuse it). */
export type CrossEntropy = (labels: tfType.Tensor1D, logits: tfType.Tensor, numClasses: number) => tfType.Scalar;

/** One batch as the loss and the metrics see it. */
export interface TaskTensors {
  /** int32 class ids [B] (labels) or [B, H, W] (masks), or float32 values like the output (input). */
  readonly target: tfType.Tensor;
  /** The output before the final activation the loss folds in (`TaskTraining.scoresBefore`), or the output itself. */
  readonly scores: tfType.Tensor;
  /** The graph's output (`scores` with that activation applied when the graph ends in it). */
  readonly output: tfType.Tensor;
  /** The output's last axis: classes per sample or pixel, or channels. */
  readonly classes: number;
}

/** A split's metrics, folded from the sums of its batches. */
export interface TaskMetrics {
  /** What the events' accuracy fields carry (accuracy; pixel accuracy), or null for a task without one. */
  readonly accuracy: number | null;
  readonly values: Readonly<Partial<Record<MetricId, number>>>;
  /** Segmentation: IoU per class (null where the class is neither present nor predicted). */
  readonly perClassIoU?: readonly (number | null)[];
}

/** How the app's trainer trains the task (tfjs is passed in, so this module never loads it). */
export interface TaskTraining {
  /** The final layer the loss folds in, when the graph ends in it: scores are read before it. */
  readonly scoresBefore: 'softmax' | 'sigmoid';
  /** The loss's data term, a mean over samples (classification), pixels (segmentation) or values (reconstruction). */
  loss(tf: Tf, t: TaskTensors, loss: LossId, crossEntropy: CrossEntropy): tfType.Scalar;
  /** The batch's sums the metrics are folded from; `sumsLength(classes)` numbers. */
  sums(tf: Tf, t: TaskTensors): tfType.Tensor1D;
  sumsLength(classes: number): number;
  /** Metrics from the sums of a whole split; `valuesPerSample`: the output's size per sample. */
  metrics(sums: ArrayLike<number>, samples: number, shape: { readonly classes: number; readonly valuesPerSample: number }): TaskMetrics;
}

export interface TaskSpec {
  readonly id: TaskId;
  /** The training form's option. */
  readonly label: string;
  /** One line for the form's help. */
  readonly doc: string;
  readonly target: TaskTarget;
  /** What the output must be, in words (the checker's messages and the form's help). */
  readonly output: string;
  /** Reported per epoch and at the end, in this order; the first is the headline drawn beside the loss. */
  readonly metrics: readonly MetricId[];
  readonly views: readonly ViewId[];
  readonly training: TaskTraining;
}
