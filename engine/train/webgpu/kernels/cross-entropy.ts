/**
 * Softmax cross-entropy from class indices for WebGPU, fused: the mean over the batch of
 * log Σ_j e^{z_j} − z_label, in two launches forward (a thread per example, then the mean) and one
 * backward ((softmax − one-hot)·dy/B, a thread per logit).
 *
 * Why: tfjs's `oneHot` + `losses.softmaxCrossEntropy` and its autodiff take about 20 launches a
 * step, on tensors of batch × classes: nothing to compute, but each launch costs the host and the
 * GPU a few microseconds. That is a fifth of a LeNet-5 step's launches. The values are the same
 * formula, summed in another order (within float rounding of tfjs's).
 *
 * Labels must be class indices in [0, classes): the dataset loader checks them.
 *
 * @example
 *   makeTrainStep(tf, compiled, config, classes, optimizer, 'device', fusedCrossEntropy);
 */
import * as tf from '@tensorflow/tfjs';
import { FlatProgram, f32, i32, runToTensor } from '../device/program';

/** WGSL: m = max_j z_j and s = Σ_j e^{z_j − m} over the logits of the row starting at `row`. */
const ROW_MAX_AND_SUM = `
        var m = logits[row];
        for (var j = 1; j < uniforms.classes; j = j + 1) { m = max(m, logits[row + j]); }
        var s = 0.0;
        for (var j = 0; j < uniforms.classes; j = j + 1) { s = s + exp(logits[row + j] - m); }`;

/** log Σ_j e^{z_ij} − z_i,label for each example i (the max is taken out first, for range). */
class RowLossProgram extends FlatProgram {
  variableNames = ['logits', 'labels'];
  shaderKey = 'ncCrossEntropyRows';
  uniforms = 'classes : i32,';
  constructor(batch: number) {
    super([batch]);
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let row = index * uniforms.classes;
        ${ROW_MAX_AND_SUM}
        setOutputAtIndex(index, log(s) + m - logits[row + labels[index]]);
      }
    `;
  }
}

/** ∂loss/∂z_ij = (softmax_ij − [j = label_i]) · dy / B. */
class LogitsGradientProgram extends FlatProgram {
  variableNames = ['logits', 'labels', 'dy'];
  shaderKey = 'ncCrossEntropyGrad';
  uniforms = 'classes : i32, scale : f32,';
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let i = index / uniforms.classes;
        let row = i * uniforms.classes;
        ${ROW_MAX_AND_SUM}
        let isLabel = select(0.0, 1.0, labels[i] == index - row);
        setOutputAtIndex(index, (exp(logits[index] - m) / s - isLabel) * dy[0] * uniforms.scale);
      }
    `;
  }
}

/** The mean softmax cross-entropy of `logits` [B, classes] against class indices `labels` [B] (int32). */
export function fusedCrossEntropy(labels: tf.Tensor1D, logits: tf.Tensor, classes: number): tf.Scalar {
  // tfjs's path fails on a mismatch too; a reshape alone would silently regroup the logits.
  if (logits.shape.at(-1) !== classes) throw new Error(`the model gives ${logits.shape.at(-1)} outputs per example for ${classes} classes`);
  const z = logits.reshape([-1, classes]);
  const batch = z.shape[0]!;
  // The shaders index with the labels: an int32 buffer (float labels would not even compile).
  if (labels.dtype !== 'int32') labels = tf.cast(labels, 'int32');
  const forward = (zIn: tf.Tensor, save: tf.GradSaveFunc) => {
    const rows = runToTensor(new RowLossProgram(batch), [zIn, labels], [i32(classes)]);
    const value = tf.mean(rows) as tf.Scalar;
    rows.dispose();
    save([zIn]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        runToTensor(new LogitsGradientProgram(saved[0]!.shape), [saved[0]!, labels, dy], [i32(classes), f32(1 / batch)]),
    };
  };
  const loss = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (z: tf.Tensor) => tf.Scalar;
  return loss(z);
}
