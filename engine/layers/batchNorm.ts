import { elementwiseLayer } from './elementwise';

const base = elementwiseLayer({
  type: 'batchNorm',
  label: 'Batch norm',
  category: 'regularisation',
  doc: 'Normalises each channel over the minibatch, then scales and shifts it with learned γ and β.',
  params: {
    momentum: { kind: 'float', min: 0, max: 1, default: 0.99, doc: 'How slowly the running mean and variance used at test time follow the batches. 0.99 suits long training; in a run of a few hundred steps they lag behind the weights and validation accuracy looks far worse than training accuracy. 0.9 (PyTorch\'s default) follows faster.' },
    epsilon: { kind: 'float', min: 0, max: 1, minInclusive: false, default: 0.001, doc: 'Added to the variance to avoid dividing by zero.' },
  },
});

/** γ and β per channel are trainable; the running statistics are not (as PyTorch counts them). */
export const batchNorm = {
  ...base,
  trainableParams: (_ctx: unknown, output: readonly number[]) => 2 * output[output.length - 1]!,
};
