import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/compile';
import { atrousSame, spreadKernel } from '../../../engine/compile/dilatedConv';
import { chain } from '../../helpers/graphs';

// tfjs has no gradient for dilated conv2d; the compiler's own layer must compute the same
// function as tfjs's forward dilated conv, and be trainable.
describe('dilated convolution', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  // An odd kernel with "same" padding runs on sub-images (atrousSame), here with sides the rates do not divide.
  it.each([
    ['valid', [3, 2]],
    ['same', [3, 2]],
    [2, [3, 2]],
    ['same', [3, 3]],
    ['same', [5, 3]],
  ] as const)('equals tfjs dilated conv2d (padding %s, kernel %j) and has gradients', (padding, kernelSize) => {
    const doc = chain(['in', 'input', { shape: [13, 11, 2] }], ['c', 'conv2d', { filters: 3, kernelSize, dilation: [2, 3], padding }]);
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

  it('computes the same gradients on sub-images as with the spread kernel (rates 2, 4 and 8 at 16×16, as DeepLab-lite)', () => {
    const x = tf.randomNormal([3, 16, 16, 4], 0, 1, 'float32', 1) as tf.Tensor4D;
    const kernel = tf.randomNormal([3, 3, 4, 5], 0, 1, 'float32', 2) as tf.Tensor4D;
    for (const d of [2, 4, 8]) {
      const dy = tf.randomNormal([3, 16, 16, 5], 0, 1, 'float32', 3 + d);
      const loss = (f: (a: tf.Tensor4D, k: tf.Tensor4D) => tf.Tensor) => (a: tf.Tensor, k: tf.Tensor) =>
        tf.sum(f(a as tf.Tensor4D, k as tf.Tensor4D).mul(dy));
      const fast = tf.grads(loss((a, k) => atrousSame(tf, a, k, [d, d])))([x, kernel]);
      const spread = tf.grads(loss((a, k) => tf.conv2d(a, spreadKernel(tf, k, [d, d]), 1, 'same')))([x, kernel]);
      fast.forEach((g, i) => expect(tf.max(tf.abs(g.sub(spread[i]!))).dataSync()[0], `rate ${d}, gradient ${i}`).toBeLessThan(1e-3));
    }
  });
});
