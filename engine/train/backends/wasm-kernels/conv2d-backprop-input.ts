/**
 * Conv2DBackpropInput for `wasm` as an ordinary XNNPACK convolution.
 *
 * The stock kernel (XNNPACK deconvolution) runs 4–15× slower than the forward conv it
 * differentiates (LeNet's second conv at batch 64: 12.4 ms against 2.0 ms; 32×32×32→64
 * 3×3: 372 ms against 36 ms). The input gradient is itself a convolution:
 *
 *   dx = conv2d(dilate(dy, stride), rot180(W) with in/out channels swapped, stride 1)
 *
 * with padding (filter − 1 − forward padding) on each side. For stride > 1 the zeros the
 * dilation inserts cost stride² more multiply-adds, still well under the stock kernel.
 * Rare layouts (NCHW, padding larger than the filter) go to the stock kernel.
 *
 * With NetCanvas's kernels bound, ../wasm-native/c/conv_input.c computes it directly instead, at
 * any stride: the route above spends half its multiply-adds on the padding's zeros at LeNet-5's
 * size, and 3 in 4 on the dilation's zeros at stride 2.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeFor } from '../wasm-native/runtime';
import { winogradConv } from '../wasm-native/winograd';
import { type WasmBackend, free, runWasm } from './compose';

interface Attrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** dy with (stride − 1) zeros after every row and column: [n, oh·sh, ow·sw, c]. */
function dilate(wasm: WasmBackend, dy: tf.TensorInfo, sh: number, sw: number, temps: tf.TensorInfo[]): tf.TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [n, oh, ow, c] = dy.shape as [number, number, number, number];
  const r = runWasm(wasm, tf.Reshape, { x: dy }, { shape: [n, oh, 1, ow, 1, c] });
  temps.push(r);
  const paddings = [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ];
  const padded = runWasm(wasm, tf.PadV2, { x: r }, { paddings, constantValue: 0 });
  temps.push(padded);
  const out = runWasm(wasm, tf.Reshape, { x: padded }, { shape: [n, oh * sh, ow * sw, c] });
  temps.push(out);
  return out;
}

export function conv2dBackpropInputConfig(stock: tf.KernelConfig | undefined): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }) => {
    const wasm = args.backend as WasmBackend;
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as Attrs;
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast',
    );
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const { inHeight, inWidth, outHeight, outWidth } = info;
    const { top, left } = info.padInfo;
    // Padding of the stride-1 conv over the dilated dy ([oh·sh, ow·sw], whose trailing
    // stride − 1 zero rows/columns already act as bottom/right padding).
    const padTop = fh - 1 - top;
    const padLeft = fw - 1 - left;
    const padBottom = inHeight + fh - 1 - padTop - outHeight * sh;
    const padRight = inWidth + fw - 1 - padLeft - outWidth * sw;
    if (dataFormat === 'NCHW' || Math.min(padTop, padLeft, padBottom, padRight) < 0) {
      if (stock == null) throw new Error('Conv2DBackpropInput: layout not supported on wasm');
      return stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    }

    if (sh === 1 && sw === 1 && info.dilationHeight === 1 && info.dilationWidth === 1) {
      // Our Winograd kernel flips the filter and swaps its channels as it transforms it.
      const dx = winogradConv(wasm, {
        x: dy,
        filter,
        outHeight: inHeight,
        outWidth: inWidth,
        top: padTop,
        left: padLeft,
        transposed: true,
      });
      if (dx != null) return dx;
    }
    // Where Winograd does not apply (LeNet-5's 5×5; few channels; strides): ours, direct.
    const native = nativeFor(wasm);
    if (native != null && top < fh && left < fw) {
      const [n, , , ci] = inputShape;
      const co = filter.shape[3]!;
      const perThread = native.exports.nc_conv2d_input_grad_scratch(inHeight, inWidth, outHeight, outWidth, co, fh, fw, sh, sw, top, left);
      const flipped = (fh * fw * co * (Math.ceil(ci / 8) * 8) + 3) & ~3;
      const scratch = native.scratch(4 * (flipped + perThread * native.threads));
      const dx = wasm.makeOutput(inputShape, 'float32');
      const geometry = [n, inHeight, inWidth, ci, outHeight, outWidth, co, fh, fw, sh, sw, top, left];
      native.exports.nc_conv2d_input_grad(native.pool, native.ptr(dy), native.ptr(filter), native.ptr(dx), ...geometry, scratch);
      return dx;
    }
    const temps: tf.TensorInfo[] = [];
    const reversed = runWasm(wasm, tf.Reverse, { x: filter }, { dims: [0, 1] });
    temps.push(reversed);
    const flipped = runWasm(wasm, tf.Transpose, { x: reversed }, { perm: [0, 1, 3, 2] }); // [fh, fw, co, ci]
    temps.push(flipped);
    const x = dilate(wasm, dy, sh, sw, temps);
    const dx = runWasm(
      wasm,
      tf.Conv2D,
      { x, filter: flipped },
      {
        strides: [1, 1],
        dilations: [1, 1],
        pad: [
          [0, 0],
          [padTop, padBottom],
          [padLeft, padRight],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
    );
    free(wasm, temps);
    return dx;
  };
  return { kernelName: tf.Conv2DBackpropInput, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
