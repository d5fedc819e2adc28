import { poolLayer } from './pool-common';

/** Averages each window (LeNet-5's subsampling layers were averages). */
export const avgPool2d = poolLayer({
  type: 'avgPool2d',
  label: 'Average pool',
  doc: 'Averages each window: shrinks the image, grows the receptive field.',
});
