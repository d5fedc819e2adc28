import { poolLayer } from './pool-common';

/** Keeps the strongest response in each window; after a K×K conv a P×P pool sees a K+P−1 patch. */
export const maxPool2d = poolLayer({
  type: 'maxPool2d',
  label: 'Max pool',
  doc: 'Keeps the largest value in each window: shrinks the image, grows the receptive field.',
});
