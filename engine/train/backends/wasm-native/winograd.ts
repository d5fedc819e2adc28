/**
 * 3×3 stride-1 convolutions by Winograd's F(2×2, 3×3) (./c/winograd.c): 2.25× fewer multiply-adds
 * than XNNPACK's direct GEMM, for the forward conv (../wasm-kernels/conv2d-winograd.ts) and the
 * input gradient (../wasm-kernels/conv2d-backprop-input.ts). Each caller asks `winogradConv`, which
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
 * Whether F(2×2, 3×3) beats XNNPACK on this shape, from bench/cpu/winograd.ts (interleaved, both
 * on the same threads): the transforms cost per channel, the saving per channel pair, so it loses
 * where either side has few channels.
 */
export function winogradWins(ci: number, co: number): boolean {
  return ci >= 8 && co >= 8;
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
