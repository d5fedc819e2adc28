/**
 * One TensorFlow.js emitter per layer type (exhaustive over the registry): TypeScript statements
 * building the same layers the app's compiler builds, channels-last, so weights load unchanged.
 */
import type { LayerType } from '../../layers/registry';
import { pair } from '../../layers/params';
import type { Step } from '../plan';

export interface TsEmitContext {
  readonly step: Step;
  /** Variable names of the inputs, in port order. */
  readonly inputs: readonly string[];
  /** The variable to assign. */
  readonly out: string;
  /** The tfjs layer name (weights are looked up by it). */
  readonly layer: string;
}

export type TsEmitter = (ctx: TsEmitContext) => { lines: string[]; needsNegInfPadding?: boolean };

const pairText = (v: unknown) => {
  const [a, b] = pair(v);
  return a === b ? String(a) : `[${a}, ${b}]`;
};
const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function config(entries: Record<string, string | number | boolean | undefined>): string {
  const parts = Object.entries(entries)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}`);
  return `{ ${parts.join(', ')} }`;
}

const layerCall = (
  ctx: TsEmitContext,
  factory: string,
  cfg: Record<string, string | number | boolean | undefined>,
  input = ctx.inputs[0]!,
) => [`const ${ctx.out} = apply(tf.layers.${factory}(${config({ name: q(ctx.layer), ...cfg })}), ${input});`];

/** Int padding is an explicit padding layer (zeros; −∞ before max pooling), then a "valid" window. */
function padded(ctx: TsEmitContext, fill: 'zero' | 'negInf', build: (x: string, padding: string) => string[]) {
  const padding = ctx.step.params.padding;
  if (typeof padding !== 'number') return { lines: build(ctx.inputs[0]!, q(padding as string)) };
  if (padding === 0) return { lines: build(ctx.inputs[0]!, q('valid')) };
  const x = `${ctx.out}Padded`;
  const pad =
    fill === 'zero'
      ? `const ${x} = apply(tf.layers.zeroPadding2d({ padding: ${padding}, name: ${q(`${ctx.layer}__pad`)} }), ${ctx.inputs[0]});`
      : `const ${x} = apply(new NegInfPadding2D({ pad: ${padding}, name: ${q(`${ctx.layer}__pad`)} }), ${ctx.inputs[0]});`;
  return { lines: [pad, ...build(x, q('valid'))], needsNegInfPadding: fill === 'negInf' };
}

const pool =
  (factory: 'maxPooling2d' | 'averagePooling2d'): TsEmitter =>
  (ctx) =>
    padded(ctx, factory === 'maxPooling2d' ? 'negInf' : 'zero', (x, padding) =>
      layerCall(ctx, factory, { poolSize: pairText(ctx.step.params.poolSize), strides: pairText(ctx.step.params.strides), padding }, x),
    );

const activation =
  (fn: string): TsEmitter =>
  (ctx) => ({ lines: layerCall(ctx, 'activation', { activation: q(fn) }) });

export const TFJS_EMITTERS: Record<LayerType, TsEmitter> = {
  input: (ctx) => ({ lines: [`const ${ctx.out} = tf.input({ shape: [${ctx.step.outputShape.join(', ')}], name: ${q(ctx.layer)} });`] }),
  conv2d: (ctx) =>
    padded(ctx, 'zero', (x, padding) => {
      const p = ctx.step.params;
      return layerCall(
        ctx,
        'conv2d',
        {
          filters: p.filters as number,
          kernelSize: pairText(p.kernelSize),
          strides: pairText(p.strides),
          dilationRate: pairText(p.dilation),
          padding,
          useBias: p.useBias ? undefined : false,
          kernelInitializer: q('heNormal'),
        },
        x,
      );
    }),
  maxPool2d: pool('maxPooling2d'),
  avgPool2d: pool('averagePooling2d'),
  globalAvgPool2d: (ctx) => ({ lines: layerCall(ctx, 'globalAveragePooling2d', {}) }),
  upsample2d: (ctx) => ({
    lines: layerCall(ctx, 'upSampling2d', {
      size: `[${pair(ctx.step.params.size).join(', ')}]`,
      interpolation: q(ctx.step.params.interpolation as string),
    }),
  }),
  relu: activation('relu'),
  sigmoid: activation('sigmoid'),
  tanh: activation('tanh'),
  leakyRelu: (ctx) => ({ lines: layerCall(ctx, 'leakyReLU', { alpha: ctx.step.params.alpha as number }) }),
  dropout: (ctx) => ({ lines: layerCall(ctx, 'dropout', { rate: ctx.step.params.rate as number }) }),
  batchNorm: (ctx) => ({
    lines: layerCall(ctx, 'batchNormalization', {
      axis: -1,
      momentum: ctx.step.params.momentum as number,
      epsilon: ctx.step.params.epsilon as number,
    }),
  }),
  add: (ctx) => ({ lines: layerCall(ctx, 'add', {}, `[${ctx.inputs.join(', ')}]`) }),
  concat: (ctx) => ({ lines: layerCall(ctx, 'concatenate', { axis: -1 }, `[${ctx.inputs.join(', ')}]`) }),
  flatten: (ctx) => ({ lines: layerCall(ctx, 'flatten', {}) }),
  reshape: (ctx) => ({ lines: layerCall(ctx, 'reshape', { targetShape: `[${(ctx.step.params.shape as number[]).join(', ')}]` }) }),
  dense: (ctx) => ({
    lines: layerCall(ctx, 'dense', {
      units: ctx.step.params.units as number,
      useBias: ctx.step.params.useBias ? undefined : false,
      kernelInitializer: q('heNormal'),
    }),
  }),
  softmax: (ctx) => ({ lines: layerCall(ctx, 'softmax', { axis: -1 }) }),
};
