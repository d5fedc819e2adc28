/** Minibatches from a dataset split: a seeded shuffle per epoch, copied into tensors batch by batch. */
import type * as tfType from '@tensorflow/tfjs';
import { seededPermutation } from '../data/random';
import type { Split } from '../data/types';

type Tf = typeof tfType;

/** The order of samples for one epoch; a different but reproducible one each epoch. */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  return seededPermutation(count, (seed * 7919 + epoch * 104729 + 1) >>> 0);
}

/**
 * What a batch's `labels` are: each sample's class (int32 [n]), or its mask, a class per pixel
 * (int32 [n, H, W], from `split.masks`) for segmentation.
 */
export type BatchTarget = 'labels' | 'masks';

/** One sample's labels: its class, or its mask's H·W class ids. */
const labelShape = (shape: readonly number[], target: BatchTarget) => (target === 'masks' ? [shape[0]!, shape[1]!] : []);

function labelsOf(split: Split, target: BatchTarget, per: number): ArrayLike<number> {
  if (target === 'labels') return split.y;
  if (!split.masks) throw new Error('the split has no masks');
  return split.masks.length === split.count * per ? split.masks : split.masks.subarray(0, split.count * per);
}

/** Samples `indices[start, end)` as `{x: [n, ...shape], labels: int32 [n] or [n, H, W]}`. */
export function gatherBatch(
  tf: Tf,
  split: Split,
  shape: readonly number[],
  indices: ArrayLike<number> | null,
  start: number,
  end: number,
  target: BatchTarget = 'labels',
): { x: tfType.Tensor; labels: tfType.Tensor } {
  const size = shape.reduce((a, b) => a * b, 1);
  const perLabel = labelShape(shape, target);
  const per = perLabel.reduce((a, b) => a * b, 1);
  const source = labelsOf(split, target, per);
  const n = end - start;
  let x: Float32Array;
  const y = new Int32Array(n * per);
  if (indices === null) {
    x = split.x.subarray(start * size, end * size);
    for (let k = 0; k < n * per; k++) y[k] = source[start * per + k]!;
  } else {
    x = new Float32Array(n * size);
    for (let k = 0; k < n; k++) {
      const i = indices[start + k]!;
      x.set(split.x.subarray(i * size, (i + 1) * size), k * size);
      for (let p = 0; p < per; p++) y[k * per + p] = source[i * per + p]!;
    }
  }
  return { x: tf.tensor(x, [n, ...shape], 'float32'), labels: tf.tensor(y, [n, ...perLabel], 'int32') };
}

export interface BatchSource {
  /** Samples `order[start, end)`, as `gatherBatch` gives them. */
  batch(order: Uint32Array, start: number, end: number): { x: tfType.Tensor; labels: tfType.Tensor };
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
export function batchSource(
  tf: Tf,
  split: Split,
  shape: readonly number[],
  onDevice: boolean,
  deviceBufferBytes = Infinity,
  target: BatchTarget = 'labels',
): BatchSource {
  const perLabel = labelShape(shape, target);
  const per = perLabel.reduce((a, b) => a * b, 1);
  if (!onDevice || Math.max(split.x.byteLength, 4 * split.count * per) > Math.min(DEVICE_BYTES_LIMIT, deviceBufferBytes)) {
    return { batch: (order, start, end) => gatherBatch(tf, split, shape, order, start, end, target), dispose() {} };
  }
  const xs = tf.tensor(split.x, [split.count, ...shape], 'float32');
  const ys = tf.tensor(Int32Array.from(labelsOf(split, target, per)), [split.count, ...perLabel], 'int32');
  return {
    batch(order, start, end) {
      const indices = tf.tensor1d(Int32Array.from(order.subarray(start, end)), 'int32');
      const batch = { x: tf.gather(xs, indices), labels: tf.gather(ys, indices) };
      indices.dispose();
      return batch;
    },
    dispose: () => tf.dispose([xs, ys]),
  };
}
