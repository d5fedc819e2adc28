import { NO_COST, formatShape, type LayerSpec } from './spec';

/**
 * A vector back into an image [H, W, C] (row-major, channels last: the inverse of flatten): how a
 * dense bottleneck feeds a convolutional decoder in an autoencoder.
 */
export const reshape: LayerSpec = {
  type: 'reshape',
  label: 'Reshape',
  category: 'dense',
  doc: 'Turns a vector [H·W·C] back into an image [H, W, C] (the inverse of flatten), so conv layers can read dense ones.',
  params: {
    shape: { kind: 'shape', required: true, example: [7, 7, 16], doc: 'The image shape [H, W, C]; H·W·C must equal the vector’s length.' },
  },
  arity: { min: 1, max: 1 },
  outputShape({ params, inputs: [input] }) {
    const shape = params.shape as number[];
    const size = shape.reduce((a, b) => a * b, 1);
    const have = input!.reduce((a, b) => a * b, 1);
    if (size !== have) {
      return {
        problem: {
          code: 'invalid-param',
          param: 'shape',
          message: `reshape to ${formatShape(shape)} needs ${size} values but its input ${formatShape(input!)} has ${have}`,
        },
      };
    }
    return { shape: [...shape] };
  },
  receptiveField: () => null,
  keepsLayout: false,
  ...NO_COST,
};
