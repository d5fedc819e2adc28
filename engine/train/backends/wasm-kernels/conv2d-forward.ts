/**
 * Conv2D and FusedConv2D for `wasm`, NHWC, dilation 1, with a bias and no activation or ReLU:
 * - 3×3 stride 1 to our Winograd kernel (../wasm-native/winograd.ts) where it beats a direct conv;
 * - the rest to our direct kernel (../wasm-native/direct.ts) when our pool owns the threads;
 * - everything else (other activations, NCHW, dilations, or our kernels not bound) to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { directConv } from '../wasm-native/direct';
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

function ours({ inputs, attrs, backend }: Args): tf.TensorInfo | null {
  const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
  const a = attrs as unknown as Attrs;
  if (x == null || filter == null || a.dataFormat !== 'NHWC' || x.shape.length !== 4 || filter.shape.length !== 4) return null;
  const activation = a.activation ?? 'linear';
  if ((activation !== 'linear' && activation !== 'relu') || preluActivationWeights != null) return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
  );
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const { top, left } = info.padInfo;
  const winograd =
    activation === 'linear' && info.filterHeight === 3 && info.filterWidth === 3 && info.strideHeight === 1 && info.strideWidth === 1;
  const y = winograd
    ? winogradConv(backend, {
        x,
        filter,
        bias,
        outHeight: info.outHeight,
        outWidth: info.outWidth,
        top,
        left,
        transposed: false,
      })
    : null;
  return (
    y ??
    directConv(backend, {
      x,
      filter,
      bias,
      relu: activation === 'relu',
      outHeight: info.outHeight,
      outWidth: info.outWidth,
      strideHeight: info.strideHeight,
      strideWidth: info.strideWidth,
      top,
      left,
    })
  );
}

/** Wraps the stock Conv2D or FusedConv2D kernel `stock`. */
export function ownConvConfig(kernelName: string, stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: Args) => ours(args) ?? stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
