/**
 * The trainer issue's three benchmark models in plain tfjs layers, ending in logits (the softmax
 * lives in the loss, as in the trainer's `logitsModel`). `peer.py` builds the same ones in PyTorch.
 */
import * as tf from '@tensorflow/tfjs';
import { FusedBatchNormalization } from '../../engine/train/webgpu/batchnorm-layer';

/** LeNet-5 on 28×28×1: conv 6@5×5 same, relu, pool, conv 16@5×5 valid, relu, pool, 120, 84, 10. */
export function lenet5(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'relu' }),
      tf.layers.dense({ units: 84, activation: 'relu' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

export type BatchNormKind = 'fused' | 'stock';

function batchNorm(kind: BatchNormKind): tf.layers.Layer {
  return kind === 'fused' ? new FusedBatchNormalization() : tf.layers.batchNormalization();
}

function convBn(x: tf.SymbolicTensor, kind: BatchNormKind, relu: boolean): tf.SymbolicTensor {
  const conv = tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  const normed = batchNorm(kind).apply(conv) as tf.SymbolicTensor;
  return relu ? (tf.layers.reLU().apply(normed) as tf.SymbolicTensor) : normed;
}

/** 32×32×3 → conv-bn-relu, three residual blocks (two conv-bn, add, relu), GAP, dropout, dense 10. */
export function residualCnn(kind: BatchNormKind): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 3] });
  let h = convBn(input, kind, true);
  for (let block = 0; block < 3; block++) {
    const inner = convBn(convBn(h, kind, true), kind, false);
    h = tf.layers.reLU().apply(tf.layers.add().apply([h, inner])) as tf.SymbolicTensor;
  }
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dropout({ rate: 0.25 }).apply(h) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 10 }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}
