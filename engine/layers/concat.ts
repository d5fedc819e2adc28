import { largestField } from './merge-common';
import { NO_COST, formatShape, type LayerSpec } from './spec';

/** Stacks inputs along the channel axis (Inception, U-Net skips). */
export const concat: LayerSpec = {
  type: 'concat',
  label: 'Concat',
  category: 'merge',
  doc: 'Joins two or more tensors along channels; heights and widths must match.',
  params: {},
  arity: { min: 2, max: Infinity },
  outputShape({ inputs }) {
    const first = inputs[0]!;
    for (let port = 1; port < inputs.length; port++) {
      const other = inputs[port]!;
      if (other.length !== first.length) {
        return {
          problem: {
            code: 'concat-rank-mismatch',
            message: `concat cannot join input 0 (${formatShape(first)}) with input ${port} (${formatShape(other)}): one is an image and the other a vector`,
          },
        };
      }
      if (first.length === 3 && (other[0] !== first[0] || other[1] !== first[1])) {
        return {
          problem: {
            code: 'concat-spatial-mismatch',
            message: `concat needs the same height and width: input 0 is ${first[0]}×${first[1]} but input ${port} is ${other[0]}×${other[1]}`,
          },
        };
      }
    }
    const last = first.length - 1;
    const joined = inputs.reduce((sum, s) => sum + s[last]!, 0);
    return { shape: [...first.slice(0, last), joined] };
  },
  receptiveField: (_ctx, fields) => largestField(fields),
  keepsLayout: false,
  ...NO_COST,
};
