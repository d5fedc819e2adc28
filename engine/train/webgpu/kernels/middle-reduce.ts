/**
 * Sum and Mean for WebGPU over axes that leave the last one: a conv's bias gradient (Σ over batch,
 * height and width) and a global average pool (mean over height and width).
 *
 * tfjs-webgpu reduces only the innermost axes, so for these it first transposes the whole tensor
 * (a full read and write), then gives each output one workgroup: a bias gradient of 6 channels
 * over 400 k positions (LeNet-5's conv1 at batch 512) ran on 6 workgroups. Here the tensor is
 * read in place as [outer, mid, inner] and summed over mid (./reductions), in one pass, or two
 * when mid is cut into chunks. Other reductions, and int or bool ones, keep tfjs's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { f32, i32, webgpuBackend } from '../device/program';
import { MAX_WORKGROUPS, MiddleSumsProgram, SumRowsProgram, middlePlan } from './reductions';

/** Below this many elements tfjs's kernel is as good (it may even run on the host). */
const MIN_SIZE = 1024;

/** The [outer, mid, inner] view that reduces `axes` of `shape`, or null where it is not one contiguous block short of the last axis. */
export function middleView(shape: readonly number[], axes: readonly number[]): { outer: number; mid: number; inner: number } | null {
  if (axes.length === 0) return null;
  const sorted = [...axes].sort((a, b) => a - b);
  const first = sorted[0]!;
  const last = sorted.at(-1)!;
  if (last - first + 1 !== sorted.length || last >= shape.length - 1) return null;
  const product = (from: number, to: number) => shape.slice(from, to).reduce((a, b) => a * b, 1);
  return { outer: product(0, first), mid: product(first, last + 1), inner: product(last + 1, shape.length) };
}

/** The kernel function registered as `Sum` or `Mean` on `webgpu`; other cases go to `fallback`. */
export function makeMiddleReduceKernel(kind: 'sum' | 'mean') {
  return (fallback: tf.KernelFunc | undefined): tf.KernelFunc =>
    (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
      const axes = tf.util.parseAxisParam(axis, x.shape);
      const view = x.dtype === 'float32' && tf.util.sizeFromShape(x.shape) >= MIN_SIZE ? middleView(x.shape, axes) : null;
      // The view's outer rows are a dispatch dimension of their own.
      if (view == null || view.outer > MAX_WORKGROUPS || view.inner > MAX_WORKGROUPS) {
        if (fallback == null) throw new Error(`${kind === 'sum' ? 'Sum' : 'Mean'}: no WebGPU kernel for this case`);
        return fallback(args);
      }
      const { outer, mid, inner } = view;
      const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
      const scale = kind === 'mean' ? 1 / mid : 1;
      const gpu = webgpuBackend(args.backend);
      const { splits, chunk } = middlePlan(outer, mid, inner);
      const uniforms = (s: number) => [i32(mid), i32(inner), i32(chunk), i32(splits), f32(s)];
      if (splits === 1) return gpu.runWebGPUProgram(new MiddleSumsProgram(outShape, outer, inner, 1), [x], 'float32', uniforms(scale));
      const partial = gpu.runWebGPUProgram(
        new MiddleSumsProgram([splits, outer, inner], outer, inner, splits),
        [x],
        'float32',
        uniforms(1),
      );
      const out = gpu.runWebGPUProgram(new SumRowsProgram(outShape, outer * inner), [partial], 'float32', [
        i32(splits),
        i32(outer * inner),
        f32(scale),
      ]);
      gpu.disposeData(partial.dataId);
      return out;
    };
}
