/**
 * The graph's task (engine/task) as one run trains and evaluates it: which model gives the scores
 * (before the final softmax or sigmoid the loss folds in), what each batch is compared with, and
 * how the task's sums become metrics. The training step, the evaluator and the views share it, so
 * a loss or a metric is computed one way everywhere.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { CompiledGraph } from '../compile/compile';
import { scoresBefore, type Scores } from '../compile/heads';
import type { Normalization } from '../data/types';
import type { TrainingConfig } from '../graph/training';
import type { LossId } from '../task/ids';
import { TASKS } from '../task/registry';
import type { CrossEntropy, TaskMetrics, TaskSpec, TaskTensors } from '../task/types';

type Tf = typeof tfType;

export interface TaskRun {
  readonly task: TaskSpec;
  readonly loss: LossId;
  /** The output's last axis: classes (per sample or pixel), or channels. */
  readonly classes: number;
  /** The output's size per sample. */
  readonly valuesPerSample: number;
  /** How many numbers `sums` gives per batch. */
  readonly sumsLength: number;
  readonly scores: Scores;
  /** The batch's tensors for the loss and sums (call inside a tidy or variableGrads). */
  tensors(x: tfType.Tensor, labels: tfType.Tensor, training: boolean): TaskTensors;
  lossOf(t: TaskTensors, crossEntropy: CrossEntropy): tfType.Scalar;
  sums(t: TaskTensors): tfType.Tensor1D;
  metrics(sums: ArrayLike<number>, samples: number): TaskMetrics;
}

/** tfjs's softmax cross-entropy from class indices (the default; WebGPU passes its fused kernel). */
export const tfjsCrossEntropy =
  (tf: Tf): CrossEntropy =>
  (labels, logits, classes) =>
    tf.losses.softmaxCrossEntropy(tf.oneHot(labels, classes), logits) as tfType.Scalar;

/**
 * `normalization`: how the samples were scaled; a reconstruction's target is the sample as pixels
 * in [0, 1], so standardised inputs are turned back for it.
 */
export function taskRun(
  tf: Tf,
  compiled: CompiledGraph,
  config: Pick<TrainingConfig, 'task' | 'loss'>,
  normalization?: Normalization,
): TaskRun {
  const task = TASKS[config.task];
  const outputShape = compiled.check.nodes[compiled.check.outputIds[0]!]!.outputShape!;
  const classes = outputShape[outputShape.length - 1]!;
  const valuesPerSample = outputShape.reduce((a, b) => a * b, 1);
  const scores = scoresBefore(tf, compiled, task.training.scoresBefore);
  const unitPixels =
    normalization?.kind === 'standard'
      ? (x: tfType.Tensor) => tf.add(tf.mul(x, tf.tensor1d(normalization.std)), tf.tensor1d(normalization.mean))
      : (x: tfType.Tensor) => x;
  return {
    task,
    loss: config.loss,
    classes,
    valuesPerSample,
    sumsLength: task.training.sumsLength(classes),
    scores,
    tensors(x, labels, training) {
      const s = training ? (scores.model.apply(x, { training: true }) as tfType.Tensor) : (scores.model.predict(x) as tfType.Tensor);
      let output: tfType.Tensor | null = null;
      return {
        target: task.target === 'input' ? unitPixels(x) : labels,
        scores: s,
        // Only the tasks that read it pay for the final activation.
        get output() {
          output ??= scores.activation === 'softmax' ? tf.softmax(s) : scores.activation === 'sigmoid' ? tf.sigmoid(s) : s;
          return output;
        },
        classes,
      };
    },
    lossOf: (t, crossEntropy) => task.training.loss(tf, t, config.loss, crossEntropy),
    sums: (t) => task.training.sums(tf, t),
    metrics: (sums, samples) => task.training.metrics(sums, samples, { classes, valuesPerSample }),
  };
}
