/**
 * One builder per layer type, typed as an exhaustive record so that adding a layer type to the
 * registry without teaching the compiler is a type error. Each builder reads the checker's
 * resolved params (defaults filled in) and names its tfjs layer after the node, so weights map
 * back to nodes.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { LayerType } from '../layers/registry';
import { pair, type Padding } from '../layers/params';
import { customLayers } from './customLayers';
import { dilatedConvLayer } from './dilatedConv';
import { fedByDataOnly, skipInputGradient } from './inputGradient';

type Tf = typeof tfType;
export type Symbolic = tfType.SymbolicTensor;

export interface BuildContext {
  readonly tf: Tf;
  /** The tfjs layer name for this node (its id, made safe for tfjs). */
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly inputs: readonly Symbolic[];
  /** A fresh integer seed from the graph's seeded stream (initialisers, dropout masks). */
  nextSeed(): number;
  /** Classes from `customLayers(tf)`, built once per compile. */
  readonly custom: ReturnType<typeof customLayers>;
  /** Whether training changes the node's weights (the compiler marks a frozen layer after building it). */
  readonly trainable: boolean;
}

export type Builder = (ctx: BuildContext) => Symbolic;

const one = (ctx: BuildContext): Symbolic => ctx.inputs[0]!;
const apply = (layer: tfType.layers.Layer, x: Symbolic | Symbolic[]): Symbolic => layer.apply(x) as Symbolic;

/** He-normal suits ReLU nets (the lecture's default); biases start at zero. */
function heNormal(ctx: BuildContext) {
  return ctx.tf.initializers.heNormal({ seed: ctx.nextSeed() });
}

/** Explicit int padding becomes a separate padding layer, then the window runs "valid". */
function padFirst(ctx: BuildContext, padding: Padding, fill: 'zero' | 'negInf'): { x: Symbolic; mode: 'valid' | 'same' } {
  if (padding === 'valid' || padding === 'same') return { x: one(ctx), mode: padding };
  if (padding === 0) return { x: one(ctx), mode: 'valid' };
  const name = `${ctx.name}__pad`;
  const layer =
    fill === 'zero' ? ctx.tf.layers.zeroPadding2d({ padding: padding, name }) : new ctx.custom.NegInfPadding2D({ pad: padding, name });
  return { x: apply(layer, one(ctx)), mode: 'valid' };
}

function pool(kind: 'max' | 'avg'): Builder {
  return (ctx) => {
    const { x, mode } = padFirst(ctx, ctx.params.padding as Padding, kind === 'max' ? 'negInf' : 'zero');
    const config = {
      poolSize: pair(ctx.params.poolSize) as [number, number],
      strides: pair(ctx.params.strides) as [number, number],
      padding: mode,
      name: ctx.name,
    };
    return apply(kind === 'max' ? ctx.tf.layers.maxPooling2d(config) : ctx.tf.layers.averagePooling2d(config), x);
  };
}

const activation =
  (fn: 'relu' | 'sigmoid' | 'tanh'): Builder =>
  (ctx) =>
    apply(ctx.tf.layers.activation({ activation: fn, name: ctx.name }), one(ctx));

export const BUILDERS: Record<LayerType, Builder> = {
  input: () => {
    throw new Error('input nodes are created by the compiler, not a builder');
  },
  conv2d(ctx) {
    const { x, mode } = padFirst(ctx, ctx.params.padding as Padding, 'zero');
    const dilation = pair(ctx.params.dilation) as [number, number];
    if (dilation[0] > 1 || dilation[1] > 1) {
      const DilatedConv2D = dilatedConvLayer(ctx.tf);
      const config = {
        name: ctx.name,
        filters: ctx.params.filters as number,
        kernelSize: pair(ctx.params.kernelSize) as [number, number],
        dilation,
        padding: mode,
        useBias: ctx.params.useBias as boolean,
        kernelInitializer: heNormal(ctx),
      };
      return apply(new DilatedConv2D(config), x);
    }
    const layer = ctx.tf.layers.conv2d({
      filters: ctx.params.filters as number,
      kernelSize: pair(ctx.params.kernelSize) as [number, number],
      strides: pair(ctx.params.strides) as [number, number],
      dilationRate: pair(ctx.params.dilation) as [number, number],
      padding: mode,
      useBias: ctx.params.useBias as boolean,
      kernelInitializer: heNormal(ctx),
      biasInitializer: 'zeros',
      name: ctx.name,
    });
    // A frozen kernel needs no gradient either: the plain op's gradients are worked out only where needed.
    if (fedByDataOnly(x) || !ctx.trainable) skipInputGradient(ctx.tf, layer, fedByDataOnly(x));
    return apply(layer, x);
  },
  maxPool2d: pool('max'),
  avgPool2d: pool('avg'),
  globalAvgPool2d: (ctx) => apply(ctx.tf.layers.globalAveragePooling2d({ name: ctx.name }), one(ctx)),
  upsample2d: (ctx) =>
    apply(
      ctx.tf.layers.upSampling2d({
        size: pair(ctx.params.size) as [number, number],
        interpolation: ctx.params.interpolation as 'nearest' | 'bilinear',
        name: ctx.name,
      }),
      one(ctx),
    ),
  relu: activation('relu'),
  sigmoid: activation('sigmoid'),
  tanh: activation('tanh'),
  leakyRelu: (ctx) => apply(ctx.tf.layers.leakyReLU({ alpha: ctx.params.alpha as number, name: ctx.name }), one(ctx)),
  dropout: (ctx) =>
    apply(new ctx.custom.SeededDropout({ rate: ctx.params.rate as number, name: ctx.name, nextSeed: ctx.nextSeed }), one(ctx)),
  batchNorm: (ctx) =>
    apply(
      new ctx.custom.ChannelBatchNorm({ momentum: ctx.params.momentum as number, epsilon: ctx.params.epsilon as number, name: ctx.name }),
      one(ctx),
    ),
  add: (ctx) => apply(ctx.tf.layers.add({ name: ctx.name }), [...ctx.inputs]),
  concat: (ctx) => apply(ctx.tf.layers.concatenate({ axis: -1, name: ctx.name }), [...ctx.inputs]),
  flatten: (ctx) => apply(ctx.tf.layers.flatten({ name: ctx.name }), one(ctx)),
  reshape: (ctx) => apply(ctx.tf.layers.reshape({ targetShape: ctx.params.shape as number[], name: ctx.name }), one(ctx)),
  dense(ctx) {
    const layer = ctx.tf.layers.dense({
      units: ctx.params.units as number,
      useBias: ctx.params.useBias as boolean,
      kernelInitializer: heNormal(ctx),
      biasInitializer: 'zeros',
      name: ctx.name,
    });
    if (fedByDataOnly(one(ctx)) || !ctx.trainable) skipInputGradient(ctx.tf, layer, fedByDataOnly(one(ctx)));
    return apply(layer, one(ctx));
  },
  softmax: (ctx) => apply(ctx.tf.layers.softmax({ axis: -1, name: ctx.name }), one(ctx)),
};
