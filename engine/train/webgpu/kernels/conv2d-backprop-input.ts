/**
 * Conv2DBackpropInput (the input gradient of a conv) for WebGPU as a forward conv, where the conv
 * is NHWC, stride 1, with channel counts that are multiples of 4:
 * dx = conv2d(dy, W′), W′[kh,kw,co,ci] = W[K−1−kh, K−1−kw, ci, co] (the filter turned half a turn,
 * its channel axes swapped), each side padded by K−1 minus the forward pad.
 *
 * Why: tfjs-webgpu's forward `Conv2DMMProgram` is far faster than its `Conv2DDerInputMMProgram`
 * on the same sizes. On the H100 the residual CNN's six input gradients took 2.7 ms a step against
 * 1.1 ms for its seven forward convs; on Mesa's llvmpipe, one 8×32×32×32 layer's input gradient
 * takes 57 ms through tfjs's kernel and 29 ms through this one. Turning the filter is one small
 * extra dispatch. Other convs keep tfjs's kernel (see `inputGradientPadding`).
 */
import * as tf from '@tensorflow/tfjs';
import { FlatProgram, webgpuBackend } from '../device/program';

/** W′[kh,kw,co,ci] = W[K−1−kh, K−1−kw, ci, co], one thread per element of W′. */
class TurnedFilterProgram extends FlatProgram {
  variableNames = ['w'];
  shaderKey = 'ncTurnedFilter';
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let c = getCoordsFromIndex(index); // [kh, kw, co, ci] of W′
          setOutputAtIndex(index, getW(uniforms.wShape[0] - 1 - c[0], uniforms.wShape[1] - 1 - c[1], c[3], c[2]));
        }
      }
    `;
  }
}

type Explicit = [[number, number], [number, number], [number, number], [number, number]];

/**
 * The forward conv's padding for dx, or null where tfjs's own kernel is kept: dx is not a plain
 * stride-1 conv of dy (strides, NCHW, a pad wider than the kernel), or the conv would not read
 * vec4s (channel counts not multiples of 4). Without vec4s tfjs-webgpu's forward conv is no faster:
 * on llvmpipe, LeNet-5's conv2 (16 → 6 channels) took 110 ms this way against 13 ms for tfjs's.
 */
export function inputGradientPadding(
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: tf.Conv2DBackpropInputAttrs,
): Explicit | null {
  if (attrs.dataFormat === 'NCHW' || filterShape[2] % 4 !== 0 || filterShape[3] % 4 !== 0) return null;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return null;
  const { top, bottom, left, right } = info.padInfo;
  const kh = info.filterHeight;
  const kw = info.filterWidth;
  const pads = [kh - 1 - top, kh - 1 - bottom, kw - 1 - left, kw - 1 - right];
  if (pads.some((p) => p < 0)) return null;
  return [
    [0, 0],
    [pads[0]!, pads[1]!],
    [pads[2]!, pads[3]!],
    [0, 0],
  ];
}

/** The kernel function registered as `Conv2DBackpropInput` on `webgpu`; other cases go to `fallback`. */
export function makeConv2DBackpropInputKernel(fallback: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const filterShape = filter.shape as [number, number, number, number];
    const pad = inputGradientPadding(attrs.inputShape, filterShape, attrs);
    // Looked up per call: the Conv2D kernel is tfjs-webgpu's, registered before ours.
    const conv = tf.getKernel(tf.Conv2D, 'webgpu')?.kernelFunc;
    if (pad == null || conv == null) {
      if (fallback == null) throw new Error('Conv2DBackpropInput: no WebGPU kernel for this case');
      return fallback(args);
    }
    const gpu = webgpuBackend(args.backend);
    const [kh, kw, ci, co] = filterShape;
    const turned = gpu.runWebGPUProgram(new TurnedFilterProgram([kh, kw, co, ci]), [filter], 'float32');
    const dx = conv({
      inputs: { x: dy, filter: turned },
      backend: args.backend,
      attrs: { strides: 1, pad, dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined } as unknown as tf.NamedAttrMap,
    }) as tf.TensorInfo;
    gpu.disposeData(turned.dataId);
    return dx;
  };
}
