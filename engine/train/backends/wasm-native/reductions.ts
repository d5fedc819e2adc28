/**
 * Sum and Mean over a block of middle axes — a conv's bias gradient (axes 0–2 of NHWC), a global
 * average pool (axes 1–2) — without the transpose tfjs-backend-wasm makes to bring the reduced axes
 * last (for the residual CNN's pool that is a 16 MB copy per step), and their gradients as one
 * broadcast instead of tfjs-core's dy · ones(x.shape), whose `ones` is a host array filled and
 * copied in every step. Everything else goes to the stock kernels and gradients.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeFor } from './runtime';

/** x seen as [outer, reduce, inner] with the reduced axes in the middle, or null. */
export function middleAxes(shape: readonly number[], axis: number | number[]): { outer: number; reduce: number; inner: number } | null {
  const axes = [...new Set(tf.util.parseAxisParam(axis, shape as number[]))].sort((a, b) => a - b);
  if (axes.length === 0) return null;
  const first = axes[0]!;
  const last = axes[axes.length - 1]!;
  if (last - first + 1 !== axes.length || last === shape.length - 1) return null;
  const product = (from: number, to: number) => shape.slice(from, to).reduce((n, d) => n * d, 1);
  return { outer: product(0, first), reduce: product(first, last + 1), inner: product(last + 1, shape.length) };
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

/** The stock `Sum` or `Mean` kernel, with float32 reductions over middle axes done natively. */
export function middleReduction(kernelName: typeof tf.Sum | typeof tf.Mean, stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs) => {
    const native = nativeFor(args.backend);
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const block = native != null && x.dtype === 'float32' ? middleAxes(x.shape, axis) : null;
    if (native == null || block == null || block.reduce === 0) return stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const out = native.backend.makeOutput(outShape, 'float32');
    const { outer, reduce, inner } = block;
    const scale = kernelName === tf.Mean ? 1 / reduce : 1;
    const scratch = native.scratch(4 * native.threads * (Math.ceil((outer * inner) / 16) * 16));
    native.exports.nc_reduce_middle(native.pool, native.ptr(x), native.ptr(out), outer, reduce, inner, scale, scratch);
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/** out = dy broadcast over the middle axes of `shape`: NcBroadcastMiddle({dy}, {shape}). */
export const BROADCAST_MIDDLE = 'NcBroadcastMiddle';

export const broadcastMiddleConfig: tf.KernelConfig = {
  kernelName: BROADCAST_MIDDLE,
  backendName: 'wasm',
  kernelFunc: (({ inputs, attrs, backend }: KernelArgs) => {
    const native = nativeFor(backend)!;
    const { dy } = inputs as { dy: tf.TensorInfo };
    const { shape, outer, reduce, inner } = attrs as unknown as { shape: number[]; outer: number; reduce: number; inner: number };
    const out = native.backend.makeOutput(shape, 'float32');
    native.exports.nc_broadcast_middle(native.pool, native.ptr(dy), native.ptr(out), outer, reduce, inner);
    return out;
  }) as unknown as tf.KernelFunc,
};

/** The gradient of Sum or Mean over middle axes as one broadcast of dy (divided by the count for Mean), else null. */
export function middleReductionGradient(dy: tf.Tensor, x: tf.Tensor, axis: number | number[], mean: boolean): tf.Tensor | null {
  const block = x.dtype === 'float32' ? middleAxes(x.shape, axis) : null;
  if (block == null) return null;
  // dy / n once on the small dy: the same numbers as tfjs-core's (dy · 1) / n on every element.
  const scaled = mean ? tf.div(dy, block.reduce) : dy;
  const out = tf.engine().runKernel(BROADCAST_MIDDLE, { dy: scaled }, { shape: x.shape, ...block }) as tf.Tensor;
  if (scaled !== dy) scaled.dispose();
  return out;
}
