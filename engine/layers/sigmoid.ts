import { elementwiseLayer } from './elementwise';

/** Saturates at both ends; stacking many shows the vanishing-gradient problem. */
export const sigmoid = elementwiseLayer({
  type: 'sigmoid',
  label: 'Sigmoid',
  category: 'activation',
  doc: '1 / (1 + e^−x). Saturates, so its gradient vanishes in deep stacks.',
});
