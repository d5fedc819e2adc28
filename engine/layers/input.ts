import { INPUT_FIELD } from './conv-math';
import { NO_COST, isSpatial, type LayerSpec } from './spec';

/** Where data enters: an image `[H, W, C]` or a feature vector `[N]`. */
export const input: LayerSpec = {
  type: 'input',
  label: 'Input',
  category: 'input',
  doc: 'Where samples enter the network: an image [H, W, C] or a feature vector [N].',
  params: {
    shape: { kind: 'shape', required: true, example: [28, 28, 1], doc: 'Sample shape without the batch axis, e.g. [28, 28, 1] for MNIST.' },
  },
  arity: { min: 0, max: 0 },
  outputShape: ({ params }) => ({ shape: params.shape as number[] }),
  receptiveField: (_ctx, _fields, output) => (isSpatial(output) ? INPUT_FIELD : null),
  keepsLayout: false,
  ...NO_COST,
};
