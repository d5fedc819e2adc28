/**
 * Window arithmetic shared by shapes and receptive fields, so the two can never disagree.
 * Conventions follow TensorFlow (channels-last, "same" pads the extra pixel after).
 */
import type { Padding } from './params';

/** A dilated kernel covers `d·(k−1)+1` input pixels. */
export function effectiveKernel(k: number, dilation: number): number {
  return dilation * (k - 1) + 1;
}

/** Output length along one axis; ≤ 0 means the window does not fit. */
export function outputLength(input: number, k: number, stride: number, dilation: number, padding: Padding): number {
  const span = effectiveKernel(k, dilation);
  if (padding === 'same') return Math.ceil(input / stride);
  const pad = padding === 'valid' ? 0 : 2 * padding;
  return Math.floor((input + pad - span) / stride) + 1;
}

/** Zero padding added before the first pixel (TensorFlow's "same" puts the odd pixel at the end). */
export function padBefore(input: number, k: number, stride: number, dilation: number, padding: Padding): number {
  if (padding === 'valid') return 0;
  if (typeof padding === 'number') return padding;
  const out = Math.ceil(input / stride);
  const total = Math.max((out - 1) * stride + effectiveKernel(k, dilation) - input, 0);
  return Math.floor(total / 2);
}

/** Total padding along one axis (before + after). */
export function padTotal(input: number, k: number, stride: number, dilation: number, padding: Padding): number {
  if (padding === 'valid') return 0;
  if (typeof padding === 'number') return 2 * padding;
  const out = Math.ceil(input / stride);
  return Math.max((out - 1) * stride + effectiveKernel(k, dilation) - input, 0);
}

/**
 * Receptive field of one unit, in input pixels (Araujo, Norris & Sim, Distill 2019):
 * `size` is r, `jump` the distance between adjacent units, `start` the centre of the first unit's field.
 */
export interface ReceptiveField {
  readonly size: readonly [number, number];
  readonly jump: readonly [number, number];
  readonly start: readonly [number, number];
}

export const INPUT_FIELD: ReceptiveField = { size: [1, 1], jump: [1, 1], start: [0, 0] };

/** One windowed layer: r_out = r_in + (k_eff − 1)·j_in, j_out = j_in·s, start shifts by ((k_eff−1)/2 − p)·j_in. */
export function fieldThroughWindow(
  rf: ReceptiveField,
  inputHW: readonly [number, number],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilation: readonly [number, number],
  padding: Padding,
): ReceptiveField {
  const axis = (i: 0 | 1) => {
    const span = effectiveKernel(kernel[i], dilation[i]);
    const p = padBefore(inputHW[i], kernel[i], strides[i], dilation[i], padding);
    return {
      size: rf.size[i] + (span - 1) * rf.jump[i],
      jump: rf.jump[i] * strides[i],
      start: rf.start[i] + ((span - 1) / 2 - p) * rf.jump[i],
    };
  };
  const h = axis(0);
  const w = axis(1);
  return { size: [h.size, w.size], jump: [h.jump, w.jump], start: [h.start, w.start] };
}
