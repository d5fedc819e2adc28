/**
 * One PyTorch emitter per layer type, typed as an exhaustive record: adding a layer to the registry
 * without teaching the PyTorch exporter is a type error. Each emitter returns the `__init__`
 * sub-module (if the layer has state) and the `forward` statements, channels-first (NCHW).
 */
import type { LayerType } from '../../layers/registry';
import { pair } from '../../layers/params';
import { hasPadding, isSymmetric, windowPads, type Pads } from '../geometry';
import type { Step } from '../plan';
import { pyBool, pyNumber, pyPair } from '../python';

/** Helper functions a layer needs in the generated file (each written once). */
export type PyHelper = 'resize_bilinear_tf' | 'avg_pool_same';

export interface PyLayerCode {
  /** Right-hand side of `self.<name> = …` in `__init__`, for layers with state or config. */
  readonly module?: string;
  /** Statements computing `out` from `inputs` (variable names); `self.<name>` is the module. */
  readonly forward: (inputs: readonly string[], out: string) => string[];
  readonly helpers?: readonly PyHelper[];
}

export type PyEmitter = (step: Step, self: string) => PyLayerCode;

const channels = (step: Step) => step.inputShapes[0]![step.inputShapes[0]!.length - 1]!;

/** F.pad takes (left, right, top, bottom) for the last two axes. */
const padArgs = (p: Pads) => `(${p.left}, ${p.right}, ${p.top}, ${p.bottom})`;

function options(entries: [string, string | null][]): string {
  return entries
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `, ${k}=${v}`)
    .join('');
}

/** Symmetric padding goes into the layer; TensorFlow's asymmetric "same" needs an explicit F.pad first. */
function windowed(step: Step, self: string, build: (padding: string | null) => string, padValue?: string): PyLayerCode {
  const pads = windowPads(step);
  if (!hasPadding(pads)) return { module: build(null), forward: ([x], out) => [`${out} = ${self}(${x})`] };
  if (isSymmetric(pads)) return { module: build(pyPair([pads.top, pads.left])), forward: ([x], out) => [`${out} = ${self}(${x})`] };
  const value = padValue ? `, value=${padValue}` : '';
  return {
    module: build(null),
    forward: ([x], out) => [
      `# TensorFlow's "same" puts the odd padding pixel after, which PyTorch's padding= cannot express`,
      `${out} = ${self}(F.pad(${x}, ${padArgs(pads)}${value}))`,
    ],
  };
}

const call =
  (fn: string): PyEmitter =>
  () => ({ forward: ([x], out) => [`${out} = ${fn}(${x})`] });

export const PYTORCH_EMITTERS: Record<LayerType, PyEmitter> = {
  input: () => ({ forward: () => [] }),
  conv2d(step, self) {
    const p = step.params;
    const kernel = pair(p.kernelSize);
    const strides = pair(p.strides);
    const dilation = pair(p.dilation);
    return windowed(step, self, (padding) => {
      const opts = options([
        ['stride', strides[0] === 1 && strides[1] === 1 ? null : pyPair(strides)],
        ['padding', padding],
        ['dilation', dilation[0] === 1 && dilation[1] === 1 ? null : pyPair(dilation)],
        ['bias', p.useBias ? null : 'False'],
      ]);
      return `nn.Conv2d(${channels(step)}, ${p.filters as number}, kernel_size=${pyPair(kernel)}${opts})`;
    });
  },
  maxPool2d(step, self) {
    const size = pyPair(pair(step.params.poolSize));
    const stride = pyPair(pair(step.params.strides));
    // PyTorch's own max-pool padding is −∞, as is the explicit F.pad value here.
    return windowed(step, self, (padding) => `nn.MaxPool2d(${size}, stride=${stride}${options([['padding', padding]])})`, 'float("-inf")');
  },
  avgPool2d(step, self) {
    const size = pyPair(pair(step.params.poolSize));
    const stride = pyPair(pair(step.params.strides));
    const pads = windowPads(step);
    if (step.params.padding === 'same' && hasPadding(pads)) {
      // TensorFlow's "same" averages only the real pixels under each window.
      if (isSymmetric(pads)) {
        return {
          module: `nn.AvgPool2d(${size}, stride=${stride}, padding=${pyPair([pads.top, pads.left])}, count_include_pad=False)`,
          forward: ([x], out) => [`${out} = ${self}(${x})`],
        };
      }
      return {
        helpers: ['avg_pool_same'],
        forward: ([x], out) => [`${out} = avg_pool_same(${x}, ${size}, ${stride}, ${padArgs(pads)})`],
      };
    }
    // Explicit int padding adds zero pixels that count in the average (the app zero-pads, then pools).
    return windowed(step, self, (padding) => `nn.AvgPool2d(${size}, stride=${stride}${options([['padding', padding]])})`);
  },
  globalAvgPool2d: () => ({ forward: ([x], out) => [`${out} = ${x}.mean(dim=(2, 3))`] }),
  upsample2d(step) {
    const [sh, sw] = pair(step.params.size);
    if (step.params.interpolation === 'bilinear') {
      return { helpers: ['resize_bilinear_tf'], forward: ([x], out) => [`${out} = resize_bilinear_tf(${x}, (${sh}, ${sw}))`] };
    }
    return { forward: ([x], out) => [`${out} = ${x}.repeat_interleave(${sh}, dim=2).repeat_interleave(${sw}, dim=3)`] };
  },
  relu: call('F.relu'),
  sigmoid: call('torch.sigmoid'),
  tanh: call('torch.tanh'),
  leakyRelu: (step) => ({
    forward: ([x], out) => [`${out} = F.leaky_relu(${x}, negative_slope=${pyNumber(step.params.alpha as number)})`],
  }),
  dropout: (step, self) => ({
    module: `nn.Dropout(p=${pyNumber(step.params.rate as number)})`,
    forward: ([x], out) => [`${out} = ${self}(${x})`],
  }),
  batchNorm(step, self) {
    const kind = step.outputShape.length === 3 ? 'BatchNorm2d' : 'BatchNorm1d';
    // Keras' momentum weighs the old statistics, PyTorch's the new batch: m_torch = 1 − m_keras.
    const momentum = pyNumber(1 - (step.params.momentum as number));
    return {
      module: `nn.${kind}(${channels(step)}, eps=${pyNumber(step.params.epsilon as number)}, momentum=${momentum})`,
      forward: ([x], out) => [`${out} = ${self}(${x})`],
    };
  },
  add: () => ({ forward: (inputs, out) => [`${out} = ${inputs.join(' + ')}`] }),
  concat: () => ({ forward: (inputs, out) => [`${out} = torch.cat([${inputs.join(', ')}], dim=1)`] }),
  flatten: () => ({ forward: ([x], out) => [`${out} = torch.flatten(${x}, 1)`] }),
  // The app's vector is row-major channels-last: view it as [N, H, W, C], then go channels-first.
  reshape: (step) => ({
    forward: ([x], out) => {
      const shape = step.params.shape as number[];
      return shape.length === 3
        ? [`${out} = ${x}.reshape(-1, ${shape.join(', ')}).permute(0, 3, 1, 2).contiguous()`]
        : [`${out} = ${x}.reshape(-1, ${shape.join(', ')})`];
    },
  }),
  dense: (step, self) => ({
    module: `nn.Linear(${step.inputShapes[0]![0]!}, ${step.params.units as number}${step.params.useBias ? '' : `, bias=${pyBool(false)}`})`,
    forward: ([x], out) => [`${out} = ${self}(${x})`],
  }),
  softmax: () => ({ forward: ([x], out) => [`${out} = torch.softmax(${x}, dim=1)`] }),
};
