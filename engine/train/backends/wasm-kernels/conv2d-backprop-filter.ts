/**
 * Conv2DBackpropFilter for `wasm` (missing in tfjs-backend-wasm 4.22, tfjs issue #8474):
 * the gradient of conv2d with respect to its filter, needed by every conv layer's training.
 *
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s + kh − padTop, ow·s + kw − padLeft, ci] · dy[n,oh,ow,co]
 *
 * which is itself a convolution that XNNPACK runs fast: take x as a batch of `ci` images
 * with `n` channels ([ci,H,W,n]) and dy as a filter of size oh×ow from `n` to `co` channels
 * ([oh,ow,n,co]); convolve with stride 1 and dilation = the forward stride. Its output
 * [ci,fh,fw,co] is dW up to a final transpose.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeFor } from '../wasm-native/runtime';
import { winogradFilterGrad } from '../wasm-native/winograd';
import { type WasmBackend, free, runWasm, transpose } from './compose';

interface Attrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

function conv2dBackpropFilter({
  inputs,
  attrs,
  backend,
}: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: unknown;
}): tf.TensorInfo {
  const wasm = backend as WasmBackend;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Attrs;
  const nchw = dataFormat === 'NCHW';
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    nchw ? 'channelsFirst' : 'channelsLast',
  );
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  // Rows/columns past the last window position never meet dy; XNNPACK cannot take the
  // negative bottom/right padding that would express that, so such input is cropped.
  const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - top;
  const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - left;

  const native = nchw ? null : nativeFor(wasm);
  if (native != null && filterHeight === 3 && filterWidth === 3 && strideHeight === 1 && strideWidth === 1) {
    // ../wasm-native/c/winograd_filter.c: 16 multiply-adds per 2×2 tile and channel pair instead of 36.
    const dw = winogradFilterGrad(wasm, x, dy, top, left);
    if (dw != null) return dw;
  }
  if (native != null) {
    // ../wasm-native/c/conv_filter.c: direct, SIMD, on every thread (2.5–5× the XNNPACK route below).
    const [n, , , ci] = x.shape as number[];
    const co = filterShape[3];
    // The filter's geometry, in the order both entry points take it.
    const geometry = [ci!, outHeight, outWidth, co, filterHeight, filterWidth, strideHeight, strideWidth];
    const perThread = native.exports.nc_conv2d_filter_grad_scratch(
      ...(geometry as Parameters<typeof native.exports.nc_conv2d_filter_grad_scratch>),
    );
    const scratch = native.scratch(4 * perThread * native.threads);
    const dw = wasm.makeOutput(filterShape, 'float32');
    const [xPtr, dyPtr, dwPtr] = [native.ptr(x), native.ptr(dy), native.ptr(dw)];
    native.exports.nc_conv2d_filter_grad(native.pool, xPtr, dyPtr, dwPtr, n!, inHeight, inWidth, ...geometry, top, left, scratch);
    return dw;
  }
  const temps: tf.TensorInfo[] = [];
  let xt = transpose(wasm, x, nchw ? [1, 2, 3, 0] : [3, 1, 2, 0]); // [ci, H, W, n]
  temps.push(xt);
  if (bottom < 0 || right < 0) {
    const [ci, h, w, n] = xt.shape as number[];
    const size = [ci!, h! + Math.min(bottom, 0), w! + Math.min(right, 0), n!];
    xt = runWasm(wasm, tf.Slice, { x: xt }, { begin: [0, 0, 0, 0], size });
    temps.push(xt);
  }
  const dyt = transpose(wasm, dy, nchw ? [2, 3, 0, 1] : [1, 2, 0, 3]); // [oh, ow, n, co]
  temps.push(dyt);
  const grad = runWasm(
    wasm,
    tf.Conv2D,
    { x: xt, filter: dyt },
    {
      strides: [1, 1],
      dilations: [strideHeight, strideWidth],
      pad: [
        [0, 0],
        [top, Math.max(bottom, 0)],
        [left, Math.max(right, 0)],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  ); // [ci, fh, fw, co]
  temps.push(grad);
  const dw = transpose(wasm, grad, [1, 2, 0, 3]);
  free(wasm, temps);
  return dw;
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
