import { elementwiseLayer } from './elementwise';

/** Normalises the last axis into class probabilities (per pixel on an image, as in fully-convolutional nets). */
export const softmax = elementwiseLayer({
  type: 'softmax',
  label: 'Softmax',
  category: 'dense',
  doc: 'Turns scores into probabilities that sum to 1 over the last axis.',
});
