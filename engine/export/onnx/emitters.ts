/**
 * One ONNX emitter per layer type (exhaustive over the registry). The model takes the app's NHWC
 * input and transposes it once to NCHW, the layout ONNX's Conv/Pool ops use; a flatten transposes
 * back to NHWC first, so it flattens in the app's order and dense kernels are used as they are.
 */
import type { LayerType, PerWeightRole, WeightRoleOf } from '../../layers/registry';
import type { WeightRole } from '../../layers/spec';
import { pair } from '../../layers/params';
import { windowPads } from '../geometry';
import type { Step } from '../plan';
import type { WeightTensor } from '../weights';
import type { OnnxNode, OnnxTensor } from './model-proto';

export interface OnnxEmitContext<R extends WeightRole = WeightRole> {
  readonly step: Step;
  /** Input tensor names in port order. */
  readonly inputs: readonly string[];
  /** The name this step's output must have. */
  readonly output: string;
  /** Records a node. */
  node(op: string, inputs: readonly string[], outputs: readonly string[], attributes?: OnnxNode['attributes']): void;
  /** Records an initializer and returns its name. */
  constant(suffix: string, tensor: Omit<OnnxTensor, 'name'>): string;
  /** Records the step's weight `role` in ONNX's layout (ONNX_WEIGHTS) and returns its name; null when the step has none (a bias turned off). */
  weight(role: R): string | null;
}

export type OnnxEmitter<R extends WeightRole = never> = (ctx: OnnxEmitContext<R>) => void;

/** `same`: as the app keeps it. `oihw`: a conv kernel, HWIO in the app, OIHW for ONNX's Conv. */
export type OnnxLayout = 'same' | 'oihw';

/** For every layer type with weights, each role it can carry: a compile error until a new weighted layer is mapped. */
export const ONNX_WEIGHTS: PerWeightRole<OnnxLayout> = {
  conv2d: { kernel: 'oihw', bias: 'same' },
  batchNorm: { gamma: 'same', beta: 'same', moving_mean: 'same', moving_variance: 'same' },
  dense: { kernel: 'same', bias: 'same' },
};

/** A weight as an ONNX initializer: its dims and values in `layout`. */
export function onnxTensor(t: WeightTensor, layout: OnnxLayout): Omit<OnnxTensor, 'name'> {
  if (layout === 'same') return { dims: t.shape, floats: Float32Array.from(t.data) };
  return { dims: [t.shape[3]!, t.shape[2]!, t.shape[0]!, t.shape[1]!], floats: hwioToOihw(t) };
}

/** HWIO (the app) → OIHW (ONNX Conv). */
function hwioToOihw(t: WeightTensor): Float32Array {
  const [kh, kw, cin, cout] = t.shape as [number, number, number, number];
  const out = new Float32Array(t.data.length);
  for (let h = 0; h < kh; h++)
    for (let w = 0; w < kw; w++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + h) * kw + w] = t.data[((h * kw + w) * cin + i) * cout + o]!;
  return out;
}

/** ONNX pads: [top, left, bottom, right]. */
function pads(step: Step): number[] {
  const p = windowPads(step);
  return [p.top, p.left, p.bottom, p.right];
}

const unary =
  (op: string): OnnxEmitter =>
  (ctx) =>
    ctx.node(op, ctx.inputs, [ctx.output]);

function pool(op: 'MaxPool' | 'AveragePool'): OnnxEmitter {
  return (ctx) => {
    const attributes: Record<string, number | number[]> = {
      kernel_shape: [...pair(ctx.step.params.poolSize)],
      strides: [...pair(ctx.step.params.strides)],
      pads: pads(ctx.step),
    };
    // Int padding adds zeros that count in the average (as the app's zero-pad-then-pool does);
    // TensorFlow's "same" averages only the real pixels.
    if (op === 'AveragePool') attributes.count_include_pad = typeof ctx.step.params.padding === 'number' ? 1 : 0;
    ctx.node(op, ctx.inputs, [ctx.output], attributes);
  };
}

export const ONNX_EMITTERS: { readonly [T in LayerType]: OnnxEmitter<WeightRoleOf<T>> } = {
  input: () => {
    throw new Error('the input is created by the ONNX exporter itself');
  },
  conv2d(ctx) {
    const p = ctx.step.params;
    const kernel = ctx.weight('kernel')!;
    const bias = ctx.weight('bias');
    ctx.node('Conv', [ctx.inputs[0]!, kernel, ...(bias ? [bias] : [])], [ctx.output], {
      kernel_shape: [...pair(p.kernelSize)],
      strides: [...pair(p.strides)],
      dilations: [...pair(p.dilation)],
      pads: pads(ctx.step),
    });
  },
  maxPool2d: pool('MaxPool'),
  avgPool2d: pool('AveragePool'),
  globalAvgPool2d(ctx) {
    const pooled = `${ctx.output}__nc11`;
    ctx.node('GlobalAveragePool', ctx.inputs, [pooled]);
    ctx.node('Flatten', [pooled], [ctx.output], { axis: 1 });
  },
  upsample2d(ctx) {
    const [sh, sw] = pair(ctx.step.params.size);
    const scales = ctx.constant('scales', { dims: [4], floats: Float32Array.from([1, 1, sh, sw]) });
    // "asymmetric": output pixel i reads input position i / scale, as TensorFlow's resize with
    // alignCorners=false and halfPixelCenters=false (what the app's UpSampling2D uses).
    const attributes: Record<string, string> =
      ctx.step.params.interpolation === 'bilinear'
        ? { mode: 'linear', coordinate_transformation_mode: 'asymmetric' }
        : { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' };
    ctx.node('Resize', [ctx.inputs[0]!, '', scales], [ctx.output], attributes);
  },
  relu: unary('Relu'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  leakyRelu: (ctx) => ctx.node('LeakyRelu', ctx.inputs, [ctx.output], { alpha: { float: ctx.step.params.alpha as number } }),
  // Does nothing at inference (training_mode defaults to false); the ratio is kept so an import restores it.
  dropout: (ctx) =>
    ctx.node(
      'Dropout',
      [ctx.inputs[0]!, ctx.constant('ratio', { dims: [], floats: Float32Array.of(ctx.step.params.rate as number) })],
      [ctx.output],
    ),
  batchNorm(ctx) {
    const names = (['gamma', 'beta', 'moving_mean', 'moving_variance'] as const).map((role) => ctx.weight(role)!);
    ctx.node('BatchNormalization', [ctx.inputs[0]!, ...names], [ctx.output], { epsilon: { float: ctx.step.params.epsilon as number } });
  },
  add: (ctx) => ctx.node('Sum', ctx.inputs, [ctx.output]),
  concat: (ctx) => ctx.node('Concat', ctx.inputs, [ctx.output], { axis: 1 }),
  reshape(ctx) {
    const shape = ctx.step.params.shape as number[];
    const target = ctx.constant('shape', { dims: [shape.length + 1], int64s: [-1, ...shape] });
    if (shape.length !== 3) return ctx.node('Reshape', [ctx.inputs[0]!, target], [ctx.output]);
    // The vector is in the app's order (channels last): reshape to NHWC, then transpose to NCHW.
    const nhwc = `${ctx.output}__nhwc`;
    ctx.node('Reshape', [ctx.inputs[0]!, target], [nhwc]);
    ctx.node('Transpose', [nhwc], [ctx.output], { perm: [0, 3, 1, 2] });
  },
  flatten(ctx) {
    if (ctx.step.inputShapes[0]!.length !== 3) return ctx.node('Identity', ctx.inputs, [ctx.output]);
    const nhwc = `${ctx.output}__nhwc`;
    ctx.node('Transpose', ctx.inputs, [nhwc], { perm: [0, 2, 3, 1] });
    ctx.node('Flatten', [nhwc], [ctx.output], { axis: 1 });
  },
  dense(ctx) {
    const kernel = ctx.weight('kernel')!;
    const bias = ctx.weight('bias');
    if (!bias) return ctx.node('MatMul', [ctx.inputs[0]!, kernel], [ctx.output]);
    ctx.node('Gemm', [ctx.inputs[0]!, kernel, bias], [ctx.output]);
  },
  // Channels are axis 1 in NCHW and in [batch, N] alike.
  softmax: (ctx) => ctx.node('Softmax', ctx.inputs, [ctx.output], { axis: 1 }),
};
