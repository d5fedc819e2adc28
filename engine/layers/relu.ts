import { elementwiseLayer } from './elementwise';

/** max(0, x): its gradient is 1 wherever it is active, which is why deep ReLU nets keep learning. */
export const relu = elementwiseLayer({
  type: 'relu',
  label: 'ReLU',
  category: 'activation',
  doc: 'max(0, x). Does not saturate for positive inputs, so gradients do not vanish.',
});
