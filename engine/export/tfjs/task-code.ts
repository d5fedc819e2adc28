/**
 * The task's part of the TensorFlow.js train.ts, one entry per task of the registry (engine/task),
 * computing what the app computes (engine/task/<task>.ts, engine/task/metrics.ts): what a batch is
 * compared with, the loss on the scores before the final layer it folds in, the sums a batch adds
 * up and the metrics folded from them. The script holds the graph's task only:
 *
 * - `taskTarget(split, rows, x)` → the batch's targets (`x`: its samples, pixels in [0, 1]);
 * - `taskLoss(scores, output, target)`, `taskSums(scores, output, target)` (SUMS_LENGTH numbers);
 * - `taskMetrics(sums, samples)` → { accuracy (null without one), values, perClassIoU? }.
 */
import type { TaskId } from '../../task/ids';
import { PSNR_CAP_DB } from '../../task/metrics';
import type { ExportTask } from '../task-script';

/** confusion[true][predicted] = one-hot(true)ᵀ · one-hot(predicted), flat, as the app sums it. */
const CONFUSION = `
const SUMS_LENGTH = CLASSES * CLASSES;

function taskSums(scores: tf.Tensor, output: tf.Tensor, target: tf.Tensor): tf.Tensor {
  const truth = tf.oneHot(target.reshape([-1]) as tf.Tensor1D, CLASSES).cast('float32');
  const predicted = tf.oneHot(tf.argMax(scores, -1).reshape([-1]) as tf.Tensor1D, CLASSES).cast('float32');
  return tf.matMul(truth, predicted, true, false).reshape([-1]);
}

/** IoU of each class: C[c][c] / (row c + column c − C[c][c]); null where a class is neither present nor predicted. */
function perClassIoU(sums: ArrayLike<number>): (number | null)[] {
  return Array.from({ length: CLASSES }, (_, c) => {
    let union = -sums[c * CLASSES + c]!;
    for (let k = 0; k < CLASSES; k++) union += sums[c * CLASSES + k]! + sums[k * CLASSES + c]!;
    return union > 0 ? sums[c * CLASSES + c]! / union : null;
  });
}

function pixelAccuracy(sums: ArrayLike<number>): number {
  let total = 0;
  let hit = 0;
  for (let i = 0; i < SUMS_LENGTH; i++) total += sums[i]!;
  for (let c = 0; c < CLASSES; c++) hit += sums[c * CLASSES + c]!;
  return total > 0 ? hit / total : 0;
}`;

/** Cross-entropy of scores [..., classes] against class ids [...], the mean over samples or pixels. */
const CROSS_ENTROPY = `
function taskLoss(scores: tf.Tensor, output: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(target.reshape([-1]) as tf.Tensor1D, CLASSES), scores.reshape([-1, CLASSES])) as tf.Scalar;
}`;

export const TFJS_TASK_CODE: { readonly [T in TaskId]: (task: ExportTask) => string } = {
  classification: () => `${CROSS_ENTROPY}
${CONFUSION}

function taskTarget(split: Split, rows: number[], x: tf.Tensor): tf.Tensor {
  return tf.tensor1d(rows.map((s) => split.y[s]!), 'int32');
}

function taskMetrics(sums: ArrayLike<number>, samples: number): TaskMetrics {
  const accuracy = pixelAccuracy(sums);
  return { accuracy, values: { accuracy } };
}`,

  segmentation: () => `${CROSS_ENTROPY}
${CONFUSION}

function taskTarget(split: Split, rows: number[], x: tf.Tensor): tf.Tensor {
  if (!split.masks) throw new Error('segmentation needs a class for every pixel: a folder of images/ and masks/, or an IDX folder with train-masks-idx3-ubyte (like embedded:mnist-segmentation)');
  const size = OUTPUT_SHAPE[0]! * OUTPUT_SHAPE[1]!;
  const out = new Int32Array(rows.length * size);
  rows.forEach((s, i) => out.set(split.masks!.subarray(s * size, (s + 1) * size), i * size));
  return tf.tensor(out, [rows.length, OUTPUT_SHAPE[0]!, OUTPUT_SHAPE[1]!], 'int32');
}

function taskMetrics(sums: ArrayLike<number>, samples: number): TaskMetrics {
  const ious = perClassIoU(sums);
  const defined = ious.filter((v): v is number => v !== null);
  const accuracy = pixelAccuracy(sums);
  const meanIoU = defined.length > 0 ? defined.reduce((a, b) => a + b, 0) / defined.length : 0;
  return { accuracy, values: { meanIoU, pixelAccuracy: accuracy }, perClassIoU: ious };
}`,

  reconstruction: (task) => `
/** The input is its own target (pixels in [0, 1]). */
function taskTarget(split: Split, rows: number[], x: tf.Tensor): tf.Tensor {
  return x;
}

function taskLoss(scores: tf.Tensor, output: tf.Tensor, target: tf.Tensor): tf.Scalar {
  ${
    task.loss === 'bce'
      ? '// Binary cross-entropy on the scores before the sigmoid (stable for large scores).\n  return tf.losses.sigmoidCrossEntropy(target, scores) as tf.Scalar;'
      : 'return tf.losses.meanSquaredError(target, output) as tf.Scalar;'
  }
}

const SUMS_LENGTH = 1;

function taskSums(scores: tf.Tensor, output: tf.Tensor, target: tf.Tensor): tf.Tensor {
  return tf.sum(tf.squaredDifference(output, target)).reshape([1]);
}

/** PSNR for values in [0, 1]: 10·log10(1 / MSE), at most ${PSNR_CAP_DB} dB (a perfect copy would be infinite). */
function taskMetrics(sums: ArrayLike<number>, samples: number): TaskMetrics {
  const mse = samples > 0 ? sums[0]! / (samples * VALUES_PER_SAMPLE) : 0;
  const psnr = mse > 0 ? Math.min(${PSNR_CAP_DB}, 10 * Math.log10(1 / mse)) : ${PSNR_CAP_DB};
  return { accuracy: null, values: { psnr, mse } };
}`,
};
