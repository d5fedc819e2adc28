/**
 * Softmax cross-entropy from class indices on wasm as one kernel forward and one backward, read
 * and written in tfjs's heap: the mean over the batch of log Σ_j e^{z_j} − z_label, and
 * (softmax − one-hot)·dy/B. tfjs's `oneHot` + `losses.softmaxCrossEntropy` and their autodiff
 * take about 20 kernels on tensors of batch × classes, each costing more in tfjs's bookkeeping
 * than in arithmetic; in a LeNet-5 step at batch 64 that is a tenth of the kernels run.
 * The same formula as tfjs's (the maximum taken out first), summed in double.
 *
 * Labels must be class indices in [0, classes): the dataset loader checks them.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeFor } from './runtime';

export const CROSS_ENTROPY = 'NcCrossEntropy';
export const CROSS_ENTROPY_GRAD = 'NcCrossEntropyGrad';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

/** For each row: its logits, max m and Σ e^{z−m}. */
function eachRow(z: Float32Array, classes: number, visit: (row: number, m: number, s: number) => void): void {
  for (let i = 0, at = 0; at < z.length; i++, at += classes) {
    let m = z[at]!;
    for (let j = 1; j < classes; j++) if (z[at + j]! > m) m = z[at + j]!;
    let s = 0;
    for (let j = 0; j < classes; j++) s += Math.exp(z[at + j]! - m);
    visit(i, m, s);
  }
}

function views(backend: unknown, logits: tf.TensorInfo, labels: tf.TensorInfo) {
  const native = nativeFor(backend)!;
  const n = tf.util.sizeFromShape(logits.shape);
  const rows = labels.shape[0]!;
  const z = native.f32(native.ptr(logits), n);
  const y = new Int32Array(native.memory.buffer, native.ptr(labels), rows);
  return { native, z, y, rows, classes: n / rows };
}

export const crossEntropyConfig: tf.KernelConfig = {
  kernelName: CROSS_ENTROPY,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend }: KernelArgs) => {
    const { logits, labels } = inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo };
    const out = nativeFor(backend)!.backend.makeOutput([], 'float32');
    const { native, z, y, rows, classes } = views(backend, logits, labels);
    let total = 0;
    eachRow(z, classes, (i, m, s) => (total += Math.log(s) + m - z[i * classes + y[i]!]!));
    native.f32(native.ptr(out), 1)[0] = total / rows;
    return out;
  }) as unknown as tf.KernelFunc,
};

export const crossEntropyGradConfig: tf.KernelConfig = {
  kernelName: CROSS_ENTROPY_GRAD,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend }: KernelArgs) => {
    const { logits, labels, dy } = inputs as Record<'logits' | 'labels' | 'dy', tf.TensorInfo>;
    const dz = nativeFor(backend)!.backend.makeOutput(logits.shape, 'float32');
    const { native, z, y, rows, classes } = views(backend, logits, labels);
    const out = native.f32(native.ptr(dz), z.length);
    const scale = native.f32(native.ptr(dy), 1)[0]! / rows;
    eachRow(z, classes, (i, m, s) => {
      const at = i * classes;
      for (let j = 0; j < classes; j++) out[at + j] = (Math.exp(z[at + j]! - m) / s - (j === y[i] ? 1 : 0)) * scale;
    });
    return dz;
  }) as unknown as tf.KernelFunc,
};

/** The step's `CrossEntropy` (engine/train/step.ts) on wasm. */
export function wasmCrossEntropy(labels: tf.Tensor1D, logits: tf.Tensor, classes: number): tf.Scalar {
  if (logits.shape.at(-1) !== classes) throw new Error(`the model gives ${logits.shape.at(-1)} outputs per example for ${classes} classes`);
  const z = logits.reshape([-1, classes]);
  const indices = labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32');
  const forward = (zIn: tf.Tensor, save: tf.GradSaveFunc) => {
    save([zIn]);
    return {
      value: tf.engine().runKernel(CROSS_ENTROPY, { logits: zIn, labels: indices }) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel(CROSS_ENTROPY_GRAD, { logits: saved[0]!, labels: indices, dy }) as tf.Tensor,
    };
  };
  const loss = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (z: tf.Tensor) => tf.Scalar;
  return loss(z);
}
