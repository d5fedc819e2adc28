/** A class per sample: the lecture's classifiers (LeNet-5, the residual nets). The default task. */
import type * as tfType from '@tensorflow/tfjs';
import type { TaskSpec } from './types';

export const classification: TaskSpec = {
  id: 'classification',
  label: 'Classification',
  doc: 'One class per sample: the output is one score per class, trained with softmax cross-entropy.',
  target: 'labels',
  output: 'one score per class',
  metrics: ['accuracy'],
  views: ['accuracy', 'confusion', 'misclassified'],
  training: {
    scoresBefore: 'softmax',
    loss: (_tf, t, _loss, crossEntropy) => crossEntropy(t.target as tfType.Tensor1D, t.scores, t.classes),
    sums: (tf, t) => tf.sum(tf.equal(tf.argMax(t.scores, -1), t.target).cast('float32')).reshape([1]) as tfType.Tensor1D,
    sumsLength: () => 1,
    metrics(sums, samples) {
      const accuracy = samples > 0 ? sums[0]! / samples : 0;
      return { accuracy, values: { accuracy } };
    },
  },
};
