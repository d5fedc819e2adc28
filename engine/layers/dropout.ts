import { elementwiseLayer } from './elementwise';

/** Zeroes a random fraction of units while training and scales the rest by 1/(1−rate) (inverted dropout). */
export const dropout = elementwiseLayer({
  type: 'dropout',
  label: 'Dropout',
  category: 'regularisation',
  doc: 'While training, zeroes each unit with probability rate; does nothing at test time (the survivors are scaled up while training instead).',
  params: {
    rate: { kind: 'float', min: 0, max: 1, maxInclusive: false, default: 0.5, doc: 'Fraction of units dropped while training.' },
  },
});
