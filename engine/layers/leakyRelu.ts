import { elementwiseLayer } from './elementwise';

export const leakyRelu = elementwiseLayer({
  type: 'leakyRelu',
  label: 'Leaky ReLU',
  category: 'activation',
  doc: 'x for x > 0, alpha·x otherwise: a ReLU that never fully switches off.',
  params: {
    alpha: { kind: 'float', min: 0, max: 1, default: 0.2, doc: 'Slope for negative inputs.' },
  },
});
