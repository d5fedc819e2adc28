import { fieldThroughWindow, outputLength, effectiveKernel } from './conv-math';
import { kernelOwnSize, kernelSizeProblem, perChannelKernel, presetFilter, type KernelValue } from './kernels';
import { pair } from './params';
import { formatShape, isSpatial, kernelAndBias, needsSpatial, type LayerContext, type LayerSpec, type ShapeOutcome } from './spec';

function geometry(params: LayerContext['params']) {
  return {
    kernel: pair(params.kernelSize),
    strides: pair(params.strides),
    dilation: pair(params.dilation),
    padding: params.padding as 'valid' | 'same' | number,
  };
}

/** A hand-set kernel's problem with the node's other params, with the one-param fix (ctx.params resolved). */
function presetProblem(ctx: LayerContext, channels: number): ShapeOutcome | null {
  const kernel = ctx.params.kernel as KernelValue | undefined;
  if (kernel === undefined) return null;
  const size = pair(ctx.params.kernelSize);
  const misfit = kernelSizeProblem(kernel, size);
  if (misfit) {
    const own = kernelOwnSize(kernel);
    const value = own ? (own[0] === own[1] ? own[0] : own) : size.map((k) => k + (k % 2 === 0 ? 1 : 0));
    return {
      problem: {
        code: 'invalid-param',
        param: 'kernelSize',
        message: misfit,
        fix: {
          label: `Set kernelSize to ${formatShape(Array.isArray(value) ? value : [value])}`,
          action: { kind: 'setParam', nodeId: ctx.nodeId, param: 'kernelSize', value },
        },
      },
    };
  }
  if (ctx.params.filters !== channels) {
    return {
      problem: {
        code: 'invalid-param',
        param: 'filters',
        message: `a hand-set kernel filters each input channel on its own, so filters must be the input's ${channels} channel${channels === 1 ? '' : 's'}, got ${String(ctx.params.filters)}`,
        fix: { label: `Set filters to ${channels}`, action: { kind: 'setParam', nodeId: ctx.nodeId, param: 'filters', value: channels } },
      },
    };
  }
  return null;
}

/** A bank of learned K×K filters slid over the image: the lecture's "convolution as learned filters". */
export const conv2d: LayerSpec<'kernel' | 'bias'> = {
  type: 'conv2d',
  label: 'Conv 2D',
  category: 'conv',
  doc: 'Slides learned filters over the image; each filter produces one output channel.',
  params: {
    filters: { kind: 'int', min: 1, max: 65536, required: true, example: 16, doc: 'Number of filters, i.e. output channels.' },
    kernelSize: {
      kind: 'size2',
      min: 1,
      required: true,
      example: 3,
      doc: 'Filter size K (or [h, w]); each output sees a K×K patch of its input.',
    },
    strides: { kind: 'size2', min: 1, default: 1, doc: 'Step between filter positions; 2 halves height and width.' },
    padding: {
      kind: 'padding',
      default: 'valid',
      doc: '"valid" (no padding), "same" (keep size at stride 1) or N zero pixels on each side.',
    },
    dilation: { kind: 'size2', min: 1, default: 1, doc: 'Gap between filter taps; widens the receptive field without more weights.' },
    useBias: { kind: 'bool', default: true, doc: 'Add a learned bias per filter (often off before batchNorm).' },
    kernel: {
      kind: 'kernel',
      doc: 'A hand-set filter instead of a learned one: box, gaussian, sharpen, sobelX, sobelY, laplacian, or rows of numbers; applied to each input channel (filters = input channels) and not trained unless the node is made trainable.',
    },
    sigma: {
      kind: 'float',
      min: 0,
      max: 100,
      minInclusive: false,
      default: 1,
      doc: 'σ of the gaussian kernel, in pixels: larger blurs more.',
      relevant: (p) => p.kernel === 'gaussian',
    },
  },
  arity: { min: 1, max: 1 },
  outputShape(ctx) {
    const [input] = ctx.inputs;
    if (!isSpatial(input)) return { problem: needsSpatial('conv2d', input!) };
    const { kernel, strides, dilation, padding } = geometry(ctx.params);
    if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
      return {
        problem: {
          code: 'invalid-param',
          param: 'dilation',
          message: `conv2d cannot combine strides ${formatShape(strides)} with dilation ${formatShape(dilation)}; TensorFlow supports one or the other`,
          fix: { label: 'Set dilation to 1', action: { kind: 'setParam', nodeId: ctx.nodeId, param: 'dilation', value: 1 } },
        },
      };
    }
    const preset = presetProblem(ctx, input[2]);
    if (preset) return preset;
    const h = outputLength(input[0], kernel[0], strides[0], dilation[0], padding);
    const w = outputLength(input[1], kernel[1], strides[1], dilation[1], padding);
    if (h <= 0 || w <= 0) {
      const span = [effectiveKernel(kernel[0], dilation[0]), effectiveKernel(kernel[1], dilation[1])];
      return {
        problem: {
          code: 'window-too-large',
          param: 'kernelSize',
          message: `the ${formatShape(span)} kernel does not fit the ${input[0]}×${input[1]} input with padding ${JSON.stringify(padding)} (output would be ${h}×${w})`,
          fix: { label: 'Use padding "same"', action: { kind: 'setParam', nodeId: ctx.nodeId, param: 'padding', value: 'same' } },
        },
      };
    }
    return { shape: [h, w, ctx.params.filters as number] };
  },
  receptiveField(ctx, [field], _output) {
    const input = ctx.inputs[0]!;
    if (!field || !isSpatial(input)) return null;
    const { kernel, strides, dilation, padding } = geometry(ctx.params);
    return fieldThroughWindow(field, [input[0], input[1]], kernel, strides, dilation, padding);
  },
  weights(ctx) {
    const [kh, kw] = pair(ctx.params.kernelSize);
    const channels = ctx.inputs[0]![2]!;
    const weights = kernelAndBias([kh, kw, channels, ctx.params.filters as number], ctx.params.useBias);
    const kernel = ctx.params.kernel as KernelValue | undefined;
    if (kernel === undefined) return weights;
    const preset = perChannelKernel(presetFilter(kernel, [kh, kw], ctx.params.sigma as number), channels);
    return weights.map((w) => (w.role === 'kernel' ? { ...w, init: 'preset' as const, preset } : w));
  },
  trainableByDefault: (params) => params.kernel === undefined,
  keepsLayout: false,
  macs(ctx, output) {
    const [kh, kw] = pair(ctx.params.kernelSize);
    return output[0]! * output[1]! * output[2]! * kh * kw * ctx.inputs[0]![2]!;
  },
};
