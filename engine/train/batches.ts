/** Minibatches from a dataset split: a seeded shuffle per epoch, copied into tensors batch by batch. */
import type * as tfType from '@tensorflow/tfjs';
import { seededPermutation } from '../data/random';
import type { Split } from '../data/types';

type Tf = typeof tfType;

/** The order of samples for one epoch; a different but reproducible one each epoch. */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  return seededPermutation(count, (seed * 7919 + epoch * 104729 + 1) >>> 0);
}

/** Samples `indices[start, end)` as `{x: [n, ...shape], labels: int32 [n]}`. */
export function gatherBatch(
  tf: Tf,
  split: Split,
  shape: readonly number[],
  indices: ArrayLike<number> | null,
  start: number,
  end: number,
): { x: tfType.Tensor; labels: tfType.Tensor1D } {
  const size = shape.reduce((a, b) => a * b, 1);
  const n = end - start;
  let x: Float32Array;
  const y = new Int32Array(n);
  if (indices === null) {
    x = split.x.subarray(start * size, end * size);
    y.set(split.y.subarray(start, end));
  } else {
    x = new Float32Array(n * size);
    for (let k = 0; k < n; k++) {
      const i = indices[start + k]!;
      x.set(split.x.subarray(i * size, (i + 1) * size), k * size);
      y[k] = split.y[i]!;
    }
  }
  return { x: tf.tensor(x, [n, ...shape], 'float32'), labels: tf.tensor1d(y, 'int32') };
}
