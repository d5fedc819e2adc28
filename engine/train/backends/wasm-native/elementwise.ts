/**
 * ReLU and the same-shape Add (a residual join) on our pool's threads, SIMD (./c/elementwise.c):
 * tfjs-backend-wasm runs both on the caller alone. Anything else (broadcasting, int32, our kernels
 * not bound) goes to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeFor } from './runtime';

type Args = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

function sameShape(a: tf.TensorInfo, b: tf.TensorInfo): boolean {
  return a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

export function addConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: Args) => {
    const native = nativeFor(args.backend);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (native == null || a.dtype !== 'float32' || b.dtype !== 'float32' || !sameShape(a, b)) {
      return stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    }
    const out = native.backend.makeOutput(a.shape, 'float32');
    native.exports.nc_add(native.pool, native.ptr(a), native.ptr(b), native.ptr(out), tf.util.sizeFromShape(a.shape));
    return out;
  };
  return { kernelName: tf.Add, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

export function reluConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: Args) => {
    const native = nativeFor(args.backend);
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (native == null || x.dtype !== 'float32') return stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    const out = native.backend.makeOutput(x.shape, 'float32');
    native.exports.nc_relu(native.pool, native.ptr(x), native.ptr(out), tf.util.sizeFromShape(x.shape));
    return out;
  };
  return { kernelName: tf.Relu, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
