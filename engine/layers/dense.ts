import { formatShape, isSpatial, kernelAndBias, type LayerSpec } from './spec';

/** Every output unit connected to every input: the classifier head. */
export const dense: LayerSpec<'kernel' | 'bias'> = {
  type: 'dense',
  label: 'Dense',
  category: 'dense',
  doc: 'Fully connected: each of the units is a weighted sum of all inputs plus a bias.',
  params: {
    units: {
      kind: 'int',
      min: 1,
      max: 1_000_000,
      required: true,
      example: 10,
      doc: 'Number of output units (10 for the ten digit classes).',
    },
    useBias: { kind: 'bool', default: true, doc: 'Add a learned bias per unit.' },
  },
  arity: { min: 1, max: 1 },
  outputShape(ctx) {
    const [input] = ctx.inputs;
    if (isSpatial(input)) {
      return {
        problem: {
          code: 'dense-on-spatial',
          message: `dense needs a vector, got the image-shaped tensor ${formatShape(input)}; flatten it (or global-average-pool it) first`,
          fix: { label: 'Insert a flatten before it', action: { kind: 'insertBefore', nodeId: ctx.nodeId, port: 0, type: 'flatten' } },
        },
      };
    }
    return { shape: [ctx.params.units as number] };
  },
  receptiveField: () => null,
  weights: (ctx) => kernelAndBias([ctx.inputs[0]![0]!, ctx.params.units as number], ctx.params.useBias),
  keepsLayout: false,
  macs: (ctx) => ctx.inputs[0]![0]! * (ctx.params.units as number),
};
