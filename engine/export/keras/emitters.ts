/**
 * One Keras 3 emitter per layer type (exhaustive over the registry): functional-API calls,
 * channels-last like the app, so weights load with set_weights unchanged. Keras's own
 * UpSampling2D(bilinear) uses half-pixel centres, unlike the app, so bilinear goes through the
 * generated ResizeBilinearTF layer; explicit max-pool padding uses the generated NegInfPadding2D.
 */
import type { LayerType } from '../../layers/registry';
import { pair } from '../../layers/params';
import type { Step } from '../plan';
import { pyNumber, pyPair, pyString } from '../python';

export type KerasHelper = 'NegInfPadding2D' | 'ResizeBilinearTF';

export interface KerasEmitContext {
  readonly step: Step;
  readonly inputs: readonly string[];
  readonly out: string;
  /** The Keras layer name (the node's identifier; weights and the code panel refer to it). */
  readonly layer: string;
  /** `kernel_regularizer=…` arguments for the weights the layer registry marks as decayed, when λ > 0; `trainable=False` when frozen. */
  readonly regularizers: readonly string[];
}

export interface KerasCode {
  readonly lines: string[];
  readonly helpers?: readonly KerasHelper[];
}

export type KerasEmitter = (ctx: KerasEmitContext) => KerasCode;

const named = (ctx: KerasEmitContext) => `name=${pyString(ctx.layer)}`;
/** The node's own layer (which carries its weights, and so their regularizers). */
const call = (ctx: KerasEmitContext, layer: string, args: string[], input = ctx.inputs[0]!) =>
  `${ctx.out} = ${layer}(${[...args, ...ctx.regularizers, named(ctx)].join(', ')})(${input})`;

/** Int padding: an explicit padding layer (zeros; −∞ before max pooling), then a "valid" window. */
function padded(ctx: KerasEmitContext, fill: 'zero' | 'negInf', build: (x: string, padding: string) => string): KerasCode {
  const padding = ctx.step.params.padding;
  if (typeof padding !== 'number' || padding === 0)
    return { lines: [build(ctx.inputs[0]!, pyString(padding === 0 ? 'valid' : (padding as string)))] };
  const x = `${ctx.out}_padded`;
  const pad =
    fill === 'zero'
      ? `layers.ZeroPadding2D(${padding}, name=${pyString(`${ctx.layer}_pad`)})`
      : `NegInfPadding2D(${padding}, name=${pyString(`${ctx.layer}_pad`)})`;
  return { lines: [`${x} = ${pad}(${ctx.inputs[0]})`, build(x, pyString('valid'))], helpers: fill === 'negInf' ? ['NegInfPadding2D'] : [] };
}

const pool =
  (layer: 'MaxPooling2D' | 'AveragePooling2D'): KerasEmitter =>
  (ctx) =>
    padded(ctx, layer === 'MaxPooling2D' ? 'negInf' : 'zero', (x, padding) =>
      call(
        ctx,
        `layers.${layer}`,
        [pyPair(pair(ctx.step.params.poolSize)), `strides=${pyPair(pair(ctx.step.params.strides))}`, `padding=${padding}`],
        x,
      ),
    );

const activation =
  (fn: string): KerasEmitter =>
  (ctx) => ({ lines: [call(ctx, 'layers.Activation', [pyString(fn)])] });

export const KERAS_EMITTERS: Record<LayerType, KerasEmitter> = {
  input: (ctx) => ({
    lines: [
      `${ctx.out} = keras.Input(shape=(${ctx.step.outputShape.join(', ')}${ctx.step.outputShape.length === 1 ? ',' : ''}), ${named(ctx)})`,
    ],
  }),
  conv2d: (ctx) =>
    padded(ctx, 'zero', (x, padding) => {
      const p = ctx.step.params;
      const args = [String(p.filters), pyPair(pair(p.kernelSize)), `strides=${pyPair(pair(p.strides))}`, `padding=${padding}`];
      const dilation = pair(p.dilation);
      if (dilation[0] !== 1 || dilation[1] !== 1) args.push(`dilation_rate=${pyPair(dilation)}`);
      if (!p.useBias) args.push('use_bias=False');
      args.push('kernel_initializer="he_normal"');
      return call(ctx, 'layers.Conv2D', args, x);
    }),
  maxPool2d: pool('MaxPooling2D'),
  avgPool2d: pool('AveragePooling2D'),
  globalAvgPool2d: (ctx) => ({ lines: [call(ctx, 'layers.GlobalAveragePooling2D', [])] }),
  upsample2d(ctx) {
    const size = pair(ctx.step.params.size);
    if (ctx.step.params.interpolation === 'bilinear')
      return { lines: [call(ctx, 'ResizeBilinearTF', [`(${size[0]}, ${size[1]})`])], helpers: ['ResizeBilinearTF'] };
    return { lines: [call(ctx, 'layers.UpSampling2D', [`(${size[0]}, ${size[1]})`, 'interpolation="nearest"'])] };
  },
  relu: activation('relu'),
  sigmoid: activation('sigmoid'),
  tanh: activation('tanh'),
  leakyRelu: (ctx) => ({ lines: [call(ctx, 'layers.LeakyReLU', [`negative_slope=${pyNumber(ctx.step.params.alpha as number)}`])] }),
  dropout: (ctx) => ({ lines: [call(ctx, 'layers.Dropout', [pyNumber(ctx.step.params.rate as number)])] }),
  batchNorm: (ctx) => ({
    lines: [
      call(ctx, 'layers.BatchNormalization', [
        'axis=-1',
        `momentum=${pyNumber(ctx.step.params.momentum as number)}`,
        `epsilon=${pyNumber(ctx.step.params.epsilon as number)}`,
      ]),
    ],
  }),
  add: (ctx) => ({ lines: [call(ctx, 'layers.Add', [], `[${ctx.inputs.join(', ')}]`)] }),
  concat: (ctx) => ({ lines: [call(ctx, 'layers.Concatenate', ['axis=-1'], `[${ctx.inputs.join(', ')}]`)] }),
  flatten: (ctx) => ({ lines: [call(ctx, 'layers.Flatten', [])] }),
  reshape: (ctx) => ({ lines: [call(ctx, 'layers.Reshape', [`(${(ctx.step.params.shape as number[]).join(', ')})`])] }),
  dense(ctx) {
    const args = [String(ctx.step.params.units)];
    if (!ctx.step.params.useBias) args.push('use_bias=False');
    args.push('kernel_initializer="he_normal"');
    return { lines: [call(ctx, 'layers.Dense', args)] };
  },
  softmax: (ctx) => ({ lines: [call(ctx, 'layers.Softmax', ['axis=-1'])] }),
};

export const KERAS_HELPERS: Record<KerasHelper, string[]> = {
  NegInfPadding2D: [
    '@keras.saving.register_keras_serializable(package="netcanvas")',
    'class NegInfPadding2D(layers.Layer):',
    '    """Pads height and width with -inf: explicit max-pool padding must never beat a real pixel."""',
    '',
    '    def __init__(self, pad, **kwargs):',
    '        super().__init__(**kwargs)',
    '        self.pad = pad',
    '',
    '    def call(self, x):',
    '        p = self.pad',
    '        return ops.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], constant_values=float("-inf"))',
    '',
    '    def compute_output_shape(self, s):',
    '        grow = lambda d: None if d is None else d + 2 * self.pad',
    '        return (s[0], grow(s[1]), grow(s[2]), s[3])',
    '',
    '    def get_config(self):',
    '        return {**super().get_config(), "pad": self.pad}',
  ],
  ResizeBilinearTF: [
    '@keras.saving.register_keras_serializable(package="netcanvas")',
    'class ResizeBilinearTF(layers.Layer):',
    '    """Bilinear upsampling exactly as the app (TensorFlow.js resizeBilinear, alignCorners=false,',
    "    halfPixelCenters=false): output pixel i reads input position i / scale. Keras 3's",
    '    UpSampling2D(interpolation="bilinear") uses half-pixel centres and gives other numbers."""',
    '',
    '    def __init__(self, size, **kwargs):',
    '        super().__init__(**kwargs)',
    '        self.size = tuple(size)',
    '',
    '    def _axis(self, n, factor):',
    '        source = np.arange(n * factor, dtype="float32") / factor',
    '        low = np.minimum(np.floor(source).astype("int32"), n - 1)',
    '        high = np.minimum(low + 1, n - 1)',
    '        return low, high, (source - low).astype("float32")',
    '',
    '    def call(self, x):',
    '        h, w = x.shape[1], x.shape[2]',
    '        top, bottom, fy = self._axis(h, self.size[0])',
    '        left, right, fx = self._axis(w, self.size[1])',
    '        fy = ops.reshape(fy, (1, -1, 1, 1))',
    '        fx = ops.reshape(fx, (1, 1, -1, 1))',
    '        rows = ops.take(x, top, axis=1) * (1 - fy) + ops.take(x, bottom, axis=1) * fy',
    '        return ops.take(rows, left, axis=2) * (1 - fx) + ops.take(rows, right, axis=2) * fx',
    '',
    '    def compute_output_shape(self, s):',
    '        return (s[0], s[1] * self.size[0], s[2] * self.size[1], s[3])',
    '',
    '    def get_config(self):',
    '        return {**super().get_config(), "size": self.size}',
  ],
};
