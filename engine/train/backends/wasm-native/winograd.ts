/**
 * 3×3 stride-1 convolutions by Winograd's F(2×2, 3×3) (./c/winograd.c): 2.25× fewer multiply-adds
 * than XNNPACK's direct GEMM, for the forward conv (../wasm-kernels/conv2d-winograd.ts) and the
 * input gradient (../wasm-kernels/conv2d-backprop-input.ts); and the filter gradient
 * (./c/winograd_filter.c, from ../wasm-kernels/conv2d-backprop-filter.ts) against our direct one. Each caller asks `winogradConv`, which
 * answers null where it does not apply or does not win, and the caller keeps XNNPACK.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeFor } from './runtime';

/** 'auto': where measured faster (`winogradWins`); 'on': wherever it applies (tests); 'off': never (benchmarks compare). */
export type WinogradMode = 'auto' | 'on' | 'off';
let mode: WinogradMode = 'auto';
let calls = 0;

export function setWinogradMode(m: WinogradMode): void {
  mode = m;
}

/** Convolutions our kernel ran so far in this process (tests check that it was the one taken). */
export function winogradCalls(): number {
  return calls;
}

/**
 * Whether F(2×2, 3×3) beats XNNPACK on this shape (forward and input gradient), from
 * bench/cpu/winograd.ts (interleaved, CPU ms on one thread): its transforms cost per channel and
 * its saving is per channel pair, so it loses with few channels (8→8 at 28×28: 9.2 against 6.9 ms)
 * and wins from 16 (16→16: 1.1–1.3×; 32→32 and 64→64: 1.5–2.1×).
 */
export function winogradWins(ci: number, co: number): boolean {
  return ci >= 16 && co >= 16;
}

/**
 * Whether the Winograd filter gradient beats our direct one (./c/conv_filter.c, which is strong
 * with few channels): measured 1.3–1.5× from 32 channels (32→32 at 14×14 and 32×32), 0.75× at
 * 16→16 (28×28).
 */
export function winogradFilterWins(ci: number, co: number): boolean {
  return ci >= 32 && co >= 32;
}

export interface WinogradConv {
  x: tf.TensorInfo;
  filter: tf.TensorInfo;
  bias?: tf.TensorInfo | null;
  /** y's height and width. */
  outHeight: number;
  outWidth: number;
  /** Zero rows above and columns left of x that the first window reaches (same: 1, valid: 0). */
  top: number;
  left: number;
  /** The filter is a forward conv's [3, 3, co, ci], to be flipped and its channels swapped (input gradient). */
  transposed: boolean;
}

/** y (NHWC), or null where ours do not apply or lose (the caller runs XNNPACK). */
export function winogradConv(backend: unknown, c: WinogradConv): tf.TensorInfo | null {
  if (mode === 'off') return null;
  const native = nativeFor(backend);
  if (native == null || c.x.dtype !== 'float32' || c.filter.dtype !== 'float32') return null;
  const [fh, fw, a, b] = c.filter.shape as number[];
  if (fh !== 3 || fw !== 3 || c.x.shape.length !== 4) return null;
  const [n, h, w, ci] = c.x.shape as number[];
  const co = c.transposed ? a! : b!;
  if (ci !== (c.transposed ? b : a)) return null;
  if (c.bias != null && (c.bias.dtype !== 'float32' || tf.util.sizeFromShape(c.bias.shape) !== co)) return null;
  if (mode === 'auto' && !winogradWins(ci!, co)) return null;
  calls++;
  const y = native.backend.makeOutput([n!, c.outHeight, c.outWidth, co], 'float32');
  if (tf.util.sizeFromShape(y.shape) === 0) return y;
  const scratch = native.scratch(4 * native.exports.nc_winograd_scratch(ci!, co, native.threads));
  native.exports.nc_winograd_conv(
    native.pool,
    native.ptr(c.x),
    native.ptr(c.filter),
    c.bias != null ? native.ptr(c.bias) : 0,
    native.ptr(y),
    n!,
    h!,
    w!,
    ci!,
    c.outHeight,
    c.outWidth,
    co,
    c.top,
    c.left,
    c.transposed ? 1 : 0,
    scratch,
  );
  return y;
}

/**
 * dW [3, 3, ci, co] of a 3×3 stride-1 NHWC conv of x with output gradient dy, or null where ours
 * do not apply or lose (the caller runs the direct kernel). top/left: the forward's padding.
 */
export function winogradFilterGrad(backend: unknown, x: tf.TensorInfo, dy: tf.TensorInfo, top: number, left: number): tf.TensorInfo | null {
  if (mode === 'off') return null;
  const native = nativeFor(backend);
  if (native == null || x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const [n, h, w, ci] = x.shape as number[];
  const [, oh, ow, co] = dy.shape as number[];
  if (mode === 'auto' && !winogradFilterWins(ci!, co!)) return null;
  calls++;
  const dw = native.backend.makeOutput([3, 3, ci!, co!], 'float32');
  const scratch = native.scratch(4 * native.exports.nc_winograd_filter_scratch(ci!, co!, native.threads));
  const args = [n!, h!, w!, ci!, oh!, ow!, co!, top, left, scratch];
  native.exports.nc_winograd_filter_grad(native.pool, native.ptr(x), native.ptr(dy), native.ptr(dw), ...args);
  return dw;
}
