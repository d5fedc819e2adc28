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

export interface BatchSource {
  /** Samples `order[start, end)`, as `gatherBatch` gives them. */
  batch(order: Uint32Array, start: number, end: number): { x: tfType.Tensor; labels: tfType.Tensor1D };
  dispose(): void;
}

/** Splits larger than this stay in host memory even on a GPU (a laptop GPU has little to spare). */
const DEVICE_BYTES_LIMIT = 1 << 30;

/**
 * Where minibatches come from: copied from host memory batch by batch, or — on a GPU, when the
 * split fits — uploaded once and gathered on the device, so each batch moves only its indices.
 * `deviceBufferBytes`: the most the device holds and binds in one buffer (WebGPU's limits, as low
 * as 128 MiB: Fashion-MNIST's training split alone is 169 MB).
 */
export function batchSource(tf: Tf, split: Split, shape: readonly number[], onDevice: boolean, deviceBufferBytes = Infinity): BatchSource {
  if (!onDevice || split.x.byteLength > Math.min(DEVICE_BYTES_LIMIT, deviceBufferBytes)) {
    return { batch: (order, start, end) => gatherBatch(tf, split, shape, order, start, end), dispose() {} };
  }
  const xs = tf.tensor(split.x, [split.count, ...shape], 'float32');
  const ys = tf.tensor1d(split.y, 'int32');
  return {
    batch(order, start, end) {
      const indices = tf.tensor1d(Int32Array.from(order.subarray(start, end)), 'int32');
      const batch = { x: tf.gather(xs, indices), labels: tf.gather(ys, indices) as tfType.Tensor1D };
      indices.dispose();
      return batch;
    },
    dispose: () => tf.dispose([xs, ys]),
  };
}
