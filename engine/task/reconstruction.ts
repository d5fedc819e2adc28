/**
 * The input back: autoencoders. The target is the sample itself as pixels in [0, 1] (labels are
 * ignored, so every dataset serves); the output has the input's shape and ends in a sigmoid. Loss:
 * mean squared error, or binary cross-entropy on the scores before the sigmoid (stable for large
 * scores); metric: PSNR.
 */
import type * as tfType from '@tensorflow/tfjs';
import { psnr } from './metrics';
import type { TaskSpec } from './types';

export const reconstruction: TaskSpec = {
  id: 'reconstruction',
  label: 'Reconstruction (autoencoder)',
  doc: 'The input is its own target: the output has the input’s shape and ends in a sigmoid; mean squared error or binary cross-entropy; measured by PSNR.',
  target: 'input',
  output: 'the input’s shape, in [0, 1] (a sigmoid at the end)',
  metrics: ['psnr', 'mse'],
  views: ['psnr', 'reconstructions', 'codes'],
  training: {
    scoresBefore: 'sigmoid',
    loss(tf, t, loss) {
      return loss === 'bce'
        ? (tf.losses.sigmoidCrossEntropy(t.target, t.scores) as tfType.Scalar)
        : (tf.losses.meanSquaredError(t.target, t.output) as tfType.Scalar);
    },
    sums: (tf, t) => tf.tidy(() => tf.sum(tf.squaredDifference(t.output, t.target)).reshape([1]) as tfType.Tensor1D),
    sumsLength: () => 1,
    metrics(sums, samples, { valuesPerSample }) {
      const mse = samples > 0 ? sums[0]! / (samples * valuesPerSample) : 0;
      return { accuracy: null, values: { psnr: psnr(mse), mse } };
    },
  },
};
