/**
 * Cutting splits: a seeded train/validation split, and picking samples by index. Validation is
 * carved from the training split (never from test) so the test score stays an honest estimate.
 */
import { seededPermutation } from './random';
import { DatasetError, type Split } from './types';

/** Floats per sample in a split (0 for an empty split). */
export function splitSampleSize(split: Split): number {
  return split.count > 0 ? split.x.length / split.count : 0;
}

/** A new split holding the samples at `indices`, in that order. */
export function takeSamples(split: Split, indices: ArrayLike<number>): Split {
  const size = splitSampleSize(split);
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    x.set(split.x.subarray(i * size, (i + 1) * size), k * size);
    y[k] = split.y[i]!;
  }
  if (!split.masks) return { x, y, count: indices.length };
  // A mask per sample, the same size for every sample: its share of the masks array.
  const per = split.count > 0 ? split.masks.length / split.count : 0;
  const masks = new Uint8Array(indices.length * per);
  for (let k = 0; k < indices.length; k++) masks.set(split.masks.subarray(indices[k]! * per, (indices[k]! + 1) * per), k * per);
  return { x, y, count: indices.length, masks };
}

/**
 * Moves a seeded random `fraction` of `split` into a validation split. The same seed always gives
 * the same partition; both parts keep the original sample order (the trainer shuffles per epoch).
 *
 * @example const { train, validation } = splitTrainValidation(ds.train, 0.1, 42);
 */
export function splitTrainValidation(split: Split, fraction: number, seed: number): { train: Split; validation: Split } {
  if (!(fraction >= 0 && fraction < 1)) throw new DatasetError(`validation fraction must be at least 0 and below 1, got ${fraction}`);
  const order = seededPermutation(split.count, seed);
  const nVal = Math.round(split.count * fraction);
  const validation = order.slice(0, nVal).sort();
  const train = order.slice(nVal).sort();
  return { train: takeSamples(split, train), validation: takeSamples(split, validation) };
}
