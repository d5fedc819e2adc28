/** Each task's loss and metrics against a hand computation on numbers small enough to check on paper. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { meanIoU, perClassIoU, pixelAccuracy, psnr } from '../../../engine/task/metrics';
import { TASKS } from '../../../engine/task/registry';
import { tfjsCrossEntropy } from '../../../engine/train/task-run';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ce = tfjsCrossEntropy(tf);

describe('segmentation', () => {
  // 2 images of 1×2 pixels, 3 classes. Truth: [0, 1], [2, 2]. Predicted (argmax): [0, 2], [2, 1].
  const target = tf.tensor([0, 1, 2, 2], [2, 1, 2], 'int32');
  const logits = [
    [2, 0, 0],
    [0, 0, 1],
    [0, 0, 3],
    [0, 1, 0],
  ];
  const scores = tf.tensor(logits.flat(), [2, 1, 2, 3]);
  const t = { target, scores, output: tf.softmax(scores), classes: 3 };

  it('loss: the per-pixel cross-entropy averaged over every pixel of the batch', async () => {
    const truth = [0, 1, 2, 2];
    const byHand =
      truth.map((c, p) => Math.log(logits[p]!.reduce((s, v) => s + Math.exp(v), 0)) - logits[p]![c]!).reduce((a, b) => a + b) / 4;
    const loss = TASKS.segmentation.training.loss(tf, t, 'crossEntropy', ce);
    expect((await loss.data())[0]).toBeCloseTo(byHand, 5);
  });

  it('sums: the pixels’ confusion matrix; metrics: pixel accuracy, IoU per class, mean IoU', async () => {
    const sums = Array.from(await TASKS.segmentation.training.sums(tf, t).data());
    // confusion[true][predicted]: (0→0), (1→2), (2→2), (2→1)
    expect(sums).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 1]);
    const m = TASKS.segmentation.training.metrics(sums, 2, { classes: 3, valuesPerSample: 6 });
    expect(m.accuracy).toBeCloseTo(2 / 4);
    // IoU: class 0 = 1/1; class 1 = 0/(1 + 1 − 0) = 0; class 2 = 1/(2 + 2 − 1) = 1/3.
    expect(m.perClassIoU).toEqual([1, 0, 1 / 3]);
    expect(m.values.meanIoU).toBeCloseTo((1 + 0 + 1 / 3) / 3);
  });

  it('a class neither present nor predicted has no IoU and is left out of the mean', () => {
    const confusion = [3, 1, 0, 0, 2, 0, 0, 0, 0];
    expect(perClassIoU(confusion, 3)).toEqual([3 / 4, 2 / 3, null]);
    expect(meanIoU(perClassIoU(confusion, 3))).toBeCloseTo((3 / 4 + 2 / 3) / 2);
    expect(pixelAccuracy(confusion, 3)).toBeCloseTo(5 / 6);
    expect(meanIoU([null, null])).toBe(0);
  });
});

describe('reconstruction', () => {
  const target = tf.tensor([0, 1, 0.5, 0.25], [1, 2, 2, 1]);
  const scores = tf.tensor([0, 2, -1, 1], [1, 2, 2, 1]);
  const output = tf.sigmoid(scores);
  const t = { target, scores, output, classes: 1 };
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  const pairs = [0, 1, 0.5, 0.25].map((y, i) => ({ y, z: [0, 2, -1, 1][i]! }));

  it('mean squared error of the sigmoid output against the pixels', async () => {
    const byHand = pairs.reduce((s, { y, z }) => s + (sig(z) - y) ** 2, 0) / 4;
    expect((await TASKS.reconstruction.training.loss(tf, t, 'mse', ce).data())[0]).toBeCloseTo(byHand, 6);
  });

  it('binary cross-entropy from the scores before the sigmoid', async () => {
    const byHand = pairs.reduce((s, { y, z }) => s - (y * Math.log(sig(z)) + (1 - y) * Math.log(1 - sig(z))), 0) / 4;
    expect((await TASKS.reconstruction.training.loss(tf, t, 'bce', ce).data())[0]).toBeCloseTo(byHand, 5);
  });

  it('PSNR = 10·log10(1 / MSE) over every value of the split, capped for a perfect copy', async () => {
    const sse = pairs.reduce((s, { y, z }) => s + (sig(z) - y) ** 2, 0);
    const sums = Array.from(await TASKS.reconstruction.training.sums(tf, t).data());
    expect(sums[0]).toBeCloseTo(sse, 5);
    const m = TASKS.reconstruction.training.metrics([sse * 10], 10, { classes: 1, valuesPerSample: 4 });
    expect(m.accuracy).toBeNull();
    expect(m.values.mse).toBeCloseTo(sse / 4);
    expect(m.values.psnr).toBeCloseTo(10 * Math.log10(4 / sse), 5);
    expect(psnr(0.01)).toBeCloseTo(20);
    expect(psnr(0)).toBe(100);
  });
});

describe('classification', () => {
  it('loss and accuracy as before: mean cross-entropy, correct samples', async () => {
    const scores = tf.tensor2d([
      [1, 0],
      [0, 3],
      [2, 0],
    ]);
    const t = { target: tf.tensor1d([0, 1, 1], 'int32'), scores, output: tf.softmax(scores), classes: 2 };
    const byHand = (Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(-3)) + Math.log(1 + Math.exp(2))) / 3;
    expect((await TASKS.classification.training.loss(tf, t, 'crossEntropy', ce).data())[0]).toBeCloseTo(byHand, 5);
    const sums = Array.from(await TASKS.classification.training.sums(tf, t).data());
    expect(TASKS.classification.training.metrics(sums, 3, { classes: 2, valuesPerSample: 2 }).accuracy).toBeCloseTo(2 / 3);
  });
});
