/**
 * Conv2D and FusedConv2D for `wasm`: 3×3, stride 1, dilation 1, NHWC convolutions (with a bias and
 * no activation, for the fused one) go to our Winograd kernel (../wasm-native/winograd.ts) where it
 * beats XNNPACK; everything else to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { winogradConv } from '../wasm-native/winograd';

interface Attrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  preluActivationWeights?: unknown;
}

type Args = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

function winograd({ inputs, attrs, backend }: Args): tf.TensorInfo | null {
  const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
  const a = attrs as unknown as Attrs;
  if (x == null || filter == null || a.dataFormat !== 'NHWC' || x.shape.length !== 4 || filter.shape.length !== 4) return null;
  if ((a.activation ?? 'linear') !== 'linear' || preluActivationWeights != null) return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
  );
  if (info.filterHeight !== 3 || info.filterWidth !== 3 || info.strideHeight !== 1 || info.strideWidth !== 1) return null;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  return winogradConv(backend, {
    x,
    filter,
    bias,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
    transposed: false,
  });
}

/** Wraps the stock Conv2D or FusedConv2D kernel `stock`. */
export function winogradConvConfig(kernelName: string, stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: Args) => winograd(args) ?? stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
