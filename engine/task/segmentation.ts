/**
 * A class per pixel: the lecture's fully convolutional nets (FCN, DeepLab). The output is
 * [H, W, classes] (a softmax per pixel when the graph ends in one), trained with the per-pixel
 * cross-entropy averaged over every pixel of the batch; metrics from the pixels' confusion matrix.
 */
import type * as tfType from '@tensorflow/tfjs';
import { meanIoU, perClassIoU, pixelAccuracy } from './metrics';
import type { TaskSpec } from './types';

export const segmentation: TaskSpec = {
  id: 'segmentation',
  label: 'Segmentation',
  doc: 'A class for every pixel: the output is [H, W, classes] scores, trained with per-pixel cross-entropy; measured by pixel accuracy and mean IoU.',
  target: 'masks',
  output: 'one score per class at every pixel of the mask',
  metrics: ['meanIoU', 'pixelAccuracy'],
  views: ['meanIoU', 'masks', 'classIoU'],
  training: {
    scoresBefore: 'softmax',
    // Pixels as samples: [B·H·W, classes] against [B·H·W], so a backend's fused cross-entropy serves as it is.
    loss: (_tf, t, _loss, crossEntropy) =>
      crossEntropy(t.target.reshape([-1]) as tfType.Tensor1D, t.scores.reshape([-1, t.classes]), t.classes),
    // confusion[true][predicted] = one-hot(true)ᵀ · one-hot(predicted): one matrix product, on every backend.
    sums: (tf, t) =>
      tf.tidy(() => {
        const truth = tf.oneHot(t.target.reshape([-1]).cast('int32') as tfType.Tensor1D, t.classes).cast('float32');
        const predicted = tf.oneHot(tf.argMax(t.scores, -1).reshape([-1]) as tfType.Tensor1D, t.classes).cast('float32');
        return tf.matMul(truth, predicted, true, false).reshape([-1]) as tfType.Tensor1D;
      }),
    sumsLength: (classes) => classes * classes,
    metrics(sums, _samples, { classes }) {
      const ious = perClassIoU(sums, classes);
      const accuracy = pixelAccuracy(sums, classes);
      return { accuracy, values: { meanIoU: meanIoU(ious), pixelAccuracy: accuracy }, perClassIoU: ious };
    },
  },
};
