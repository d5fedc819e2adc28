/**
 * Convolutions by our direct kernel (./c/conv_forward.c): any stride, dilation 1, NHWC, with a bias
 * and ReLU fused in. Taken where XNNPACK would otherwise run on one thread because our pool owns
 * the cores (`ownsThreads`, ./runtime.ts), and by tests with `setDirectMode('on')`.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeFor } from './runtime';

/** 'auto': when our pool owns the threads; 'on': wherever it applies (tests); 'off': never (benchmarks compare). */
export type DirectMode = 'auto' | 'on' | 'off';
let mode: DirectMode = 'auto';
let calls = 0;

export function setDirectMode(m: DirectMode): void {
  mode = m;
}

/** Convolutions and matrix products our direct kernels ran so far in this process (tests check that it was the one taken). */
export function directCalls(): number {
  return calls;
}

/** Whether our direct kernels (this file's conv, ./gemm's products) take a job: 'on', or 'auto' while our pool owns the threads. */
export function directApplies(native: { ownsThreads: boolean }): boolean {
  return mode === 'on' || (mode === 'auto' && native.ownsThreads);
}

/** Counts a job our direct kernels ran (tests check that it was ours). */
export function countDirect(): void {
  calls++;
}

export interface DirectConv {
  x: tf.TensorInfo;
  filter: tf.TensorInfo;
  bias?: tf.TensorInfo | null;
  relu: boolean;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  /** Zero rows above and columns left of x that the first window reaches. */
  top: number;
  left: number;
}

/** y (NHWC), or null where ours do not apply (the caller runs XNNPACK). */
export function directConv(backend: unknown, c: DirectConv): tf.TensorInfo | null {
  if (mode === 'off') return null;
  const native = nativeFor(backend);
  if (native == null || !directApplies(native)) return null;
  if (c.x.dtype !== 'float32' || c.filter.dtype !== 'float32' || c.x.shape.length !== 4 || c.top < 0 || c.left < 0) return null;
  const [fh, fw, ci, co] = c.filter.shape as [number, number, number, number];
  const [n, h, w, xc] = c.x.shape as [number, number, number, number];
  if (xc !== ci) return null;
  if (c.bias != null && (c.bias.dtype !== 'float32' || tf.util.sizeFromShape(c.bias.shape) !== co)) return null;
  calls++;
  const y = native.backend.makeOutput([n, c.outHeight, c.outWidth, co], 'float32');
  if (tf.util.sizeFromShape(y.shape) === 0) return y;
  const co8 = Math.ceil(co / 8) * 8;
  // The filter with its output channels padded to 8, and the bias likewise, unless they already are.
  const weightFloats = co === co8 ? 0 : fh * fw * ci * co8;
  const biasFloats = c.bias != null && co !== co8 ? co8 : 0;
  const perThread = native.exports.nc_conv2d_forward_scratch(c.outHeight, c.outWidth, ci, fh, fw, c.strideHeight, c.strideWidth);
  const head = (weightFloats + biasFloats + 3) & ~3;
  const scratch = native.scratch(4 * (head + perThread * native.threads));
  let filter = native.ptr(c.filter);
  let bias = c.bias != null ? native.ptr(c.bias) : 0;
  if (weightFloats > 0) {
    native.padColumns(filter, fh * fw * ci, co, co8, scratch);
    filter = scratch;
  }
  if (biasFloats > 0) {
    native.padColumns(bias, 1, co, co8, scratch + 4 * weightFloats);
    bias = scratch + 4 * weightFloats;
  }
  const geometry = [n, h, w, ci, c.outHeight, c.outWidth, co, fh, fw, c.strideHeight, c.strideWidth, c.top, c.left, c.relu ? 1 : 0];
  native.exports.nc_conv2d_forward(native.pool, native.ptr(c.x), filter, bias, native.ptr(y), ...geometry, scratch + 4 * head);
  return y;
}
