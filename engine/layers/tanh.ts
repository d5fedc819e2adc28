import { elementwiseLayer } from './elementwise';

export const tanh = elementwiseLayer({
  type: 'tanh',
  label: 'Tanh',
  category: 'activation',
  doc: 'Hyperbolic tangent, in (−1, 1). Saturates like the sigmoid.',
});
