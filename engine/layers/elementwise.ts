/** Layers that map each value on its own: shape and receptive field pass through unchanged. */
import type { ParamSpecs } from './params';
import { NO_COST, type Category, type LayerSpec } from './spec';

export function elementwiseLayer(meta: {
  type: string;
  label: string;
  doc: string;
  category: Category;
  params?: ParamSpecs;
  trainVsTest?: LayerSpec['trainVsTest'];
}): LayerSpec {
  return {
    params: {},
    ...meta,
    arity: { min: 1, max: 1 },
    outputShape: ({ inputs: [input] }) => ({ shape: input! }),
    receptiveField: (_ctx, [field]) => field ?? null,
    keepsLayout: true,
    ...NO_COST,
  };
}
