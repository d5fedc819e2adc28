import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/compile';
import { chain } from '../../helpers/graphs';

// tfjs has no gradient for dilated conv2d; the compiler's own layer must compute the same
// function as tfjs's forward dilated conv, and be trainable.
describe('dilated convolution', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(['valid', 'same', 2] as const)('equals tfjs dilated conv2d (padding %s) and has gradients', (padding) => {
    const doc = chain(
      ['in', 'input', { shape: [13, 11, 2] }],
      ['c', 'conv2d', { filters: 3, kernelSize: [3, 2], dilation: [2, 3], padding }],
    );
    const { model } = compileGraph(doc, tf);
    const layer = model.layers.find((l) => l.trainableWeights.length > 0)!;
    const [kernel, bias] = layer.getWeights() as [tf.Tensor4D, tf.Tensor1D];
    const x = tf.randomNormal([2, 13, 11, 2], 0, 1, 'float32', 7) as tf.Tensor4D;
    const ours = model.predict(x) as tf.Tensor;
    const input =
      typeof padding === 'number'
        ? tf.pad(x, [
            [0, 0],
            [padding, padding],
            [padding, padding],
            [0, 0],
          ])
        : x;
    const reference = tf.conv2d(input, kernel, 1, typeof padding === 'number' ? 'valid' : padding, 'NHWC', [2, 3]).add(bias);
    expect(ours.shape).toEqual(reference.shape);
    expect(tf.max(tf.abs(ours.sub(reference))).dataSync()[0]).toBeLessThan(1e-5);
    const grads = tf.variableGrads(
      () => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      layer.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    const g = Object.values(grads.grads);
    expect(g.map((t) => t.shape)).toEqual([kernel.shape, bias.shape]);
    expect(tf.sum(tf.abs(g[0]!)).dataSync()[0]).toBeGreaterThan(0);
  });
});
