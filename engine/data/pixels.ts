/** Samples back as pixels for people to look at. */
import type { Normalization, Split } from './types';

/** A sample back as 0–255 bytes (channels-last) for drawing, undoing the loader's normalisation. */
export function sampleBytes(split: Split, shape: readonly number[], index: number, normalization: Normalization | undefined): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  const channels = shape.length === 3 ? shape[2]! : 1;
  const values = split.x.subarray(index * size, (index + 1) * size);
  const bytes = new Array<number>(size);
  for (let i = 0; i < size; i++) {
    let v = values[i]!;
    if (normalization?.kind === 'standard') {
      const c = i % channels;
      v = v * (normalization.std[c] ?? 1) + (normalization.mean[c] ?? 0);
    }
    bytes[i] = Math.max(0, Math.min(255, Math.round(v * 255)));
  }
  return bytes;
}
