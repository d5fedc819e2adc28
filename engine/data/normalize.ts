/**
 * Per-channel standardisation (mean 0, std 1). Statistics come from the training split only, as
 * they would in a real experiment: using test data to scale inputs leaks it into training.
 */
import type { Dataset } from './types';

/** Mean and population std of each channel (the last axis of the sample shape) over `x`. */
export function channelStats(x: Float32Array, channels: number): { mean: number[]; std: number[] } {
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    sum[i % channels]! += v;
    sumSq[i % channels]! += v * v;
  }
  const n = x.length / channels;
  const mean = Array.from(sum, (s) => (n > 0 ? s / n : 0));
  const std = Array.from(sumSq, (s, c) => (n > 0 ? Math.sqrt(Math.max(0, s / n - mean[c]! ** 2)) : 0));
  return { mean, std };
}

/**
 * Standardises both splits in place with the training split's per-channel statistics and records
 * them in `ds.normalization` (relative to the 'unit' values) so samples can be turned back into pixels.
 * A channel with no spread (std 0) is only centred, never divided by zero.
 */
export function standardize(ds: Dataset): Dataset {
  const channels = ds.shape[ds.shape.length - 1] ?? 1;
  const { mean, std } = channelStats(ds.train.x, channels);
  const scale = std.map((s) => (s > 1e-12 ? 1 / s : 1));
  for (const split of [ds.train, ds.test]) {
    if (!split) continue;
    const x = split.x;
    for (let i = 0; i < x.length; i++) {
      const c = i % channels;
      x[i] = (x[i]! - mean[c]!) * scale[c]!;
    }
  }
  return { ...ds, normalization: { kind: 'standard', mean, std: std.map((s) => (s > 1e-12 ? s : 1)) } };
}
