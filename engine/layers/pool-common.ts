/** Shared rules of max and average pooling: a fixed window, no weights. */
import { fieldThroughWindow, outputLength } from './conv-math';
import { pair, type ParamSpecs } from './params';
import { NO_COST, formatShape, isSpatial, needsSpatial, type Category, type LayerSpec } from './spec';

const POOL_PARAMS: ParamSpecs = {
  poolSize: { kind: 'size2', min: 1, default: 2, doc: 'Window size P (or [h, w]); each output summarises a P×P patch.' },
  strides: {
    kind: 'size2',
    min: 1,
    default: (p) => p.poolSize as number,
    doc: 'Step between windows; defaults to the pool size (no overlap).',
  },
  padding: { kind: 'padding', default: 'valid', doc: '"valid", "same", or N pixels on each side.' },
};

export function poolLayer(meta: { type: string; label: string; doc: string }): LayerSpec {
  const category: Category = 'conv';
  return {
    ...meta,
    category,
    params: POOL_PARAMS,
    arity: { min: 1, max: 1 },
    outputShape(ctx) {
      const [input] = ctx.inputs;
      if (!isSpatial(input)) return { problem: needsSpatial(meta.type, input!) };
      const size = pair(ctx.params.poolSize);
      const strides = pair(ctx.params.strides);
      const padding = ctx.params.padding as 'valid' | 'same' | number;
      if (typeof padding === 'number' && (2 * padding >= size[0] + 1 || 2 * padding >= size[1] + 1)) {
        return {
          problem: {
            code: 'invalid-param',
            param: 'padding',
            message: `${meta.type} padding ${padding} is more than half the ${formatShape(size)} window, so some windows would see only padding`,
          },
        };
      }
      const h = outputLength(input[0], size[0], strides[0], 1, padding);
      const w = outputLength(input[1], size[1], strides[1], 1, padding);
      if (h <= 0 || w <= 0) {
        return {
          problem: {
            code: 'window-too-large',
            param: 'poolSize',
            message: `the ${formatShape(size)} pool window does not fit the ${input[0]}×${input[1]} input (output would be ${h}×${w})`,
            fix: { label: 'Use padding "same"', action: { kind: 'setParam', nodeId: ctx.nodeId, param: 'padding', value: 'same' } },
          },
        };
      }
      return { shape: [h, w, input[2]] };
    },
    receptiveField(ctx, [field]) {
      const input = ctx.inputs[0]!;
      if (!field || !isSpatial(input)) return null;
      const padding = ctx.params.padding as 'valid' | 'same' | number;
      return fieldThroughWindow(field, [input[0], input[1]], pair(ctx.params.poolSize), pair(ctx.params.strides), [1, 1], padding);
    },
    keepsLayout: false,
    ...NO_COST,
  };
}
