/**
 * One training step of a small model per layer kind, with tfjs-layers `model.fit`, on
 * `wasm` (with our kernels) and on `cpu`: losses and updated weights must agree.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../engine/train/backends/select';
import { TRAINING_CASES, trainOneStep, type StepResult } from './fixtures/training-cases';
import { expectClose } from './helpers';

beforeAll(async () => {
  await selectBackend('wasm');
});

async function stepOn(backend: string, c: (typeof TRAINING_CASES)[number]): Promise<StepResult> {
  await tf.setBackend(backend);
  return trainOneStep(c);
}

describe('one fit step on wasm matches cpu', () => {
  for (const c of TRAINING_CASES) {
    if (c.expectError != null) {
      it(`${c.name}: fails the same way on both (a tfjs limitation, not a wasm one)`, async () => {
        await expect(stepOn('cpu', c)).rejects.toThrow(c.expectError);
        await expect(stepOn('wasm', c)).rejects.toThrow(c.expectError);
      });
      continue;
    }
    it(c.name, async () => {
      const cpu = await stepOn('cpu', c);
      const wasm = await stepOn('wasm', c);
      expect(tf.getBackend()).toBe('wasm');
      expectClose(Float32Array.from(wasm.losses), Float32Array.from(cpu.losses), 1e-4, 'losses');
      expect(cpu.losses[1]).not.toBe(cpu.losses[0]); // the step changed something
      expectClose(wasm.weights, cpu.weights, 1e-4, 'weights after the step');
    });
  }
});

describe('optimizer.minimize with softmax cross-entropy', () => {
  it('a conv → pool → dense graph takes the same SGD-momentum step on both', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const w1 = tf.variable(tf.tensor4d(seq(3 * 3 * 2 * 4, 0.1), [3, 3, 2, 4]));
      const w2 = tf.variable(tf.tensor2d(seq(3 * 3 * 4 * 3, 0.05), [3 * 3 * 4, 3]));
      const x = tf.tensor4d(seq(2 * 7 * 7 * 2, 0.3), [2, 7, 7, 2]);
      const labels = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3);
      const opt = tf.train.momentum(0.1, 0.9);
      const losses: number[] = [];
      for (let i = 0; i < 2; i++) {
        const loss = opt.minimize(() => {
          const h = tf.relu(tf.conv2d(x, w1, 1, 'same'));
          const p = tf.maxPool(h, 2, 2, 'valid').reshape([2, -1]);
          return tf.losses.softmaxCrossEntropy(labels, tf.matMul(p as tf.Tensor2D, w2));
        }, true)!;
        losses.push(loss.dataSync()[0]!);
      }
      const weights = Float32Array.from([...w1.dataSync(), ...w2.dataSync()]);
      tf.dispose([w1, w2, x, labels]);
      opt.dispose();
      return { losses, weights };
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expectClose(Float32Array.from(wasm.losses), Float32Array.from(cpu.losses), 1e-4, 'losses');
    expectClose(wasm.weights, cpu.weights, 1e-4, 'weights');
  });
});

/** Deterministic, varied values without a generator: sin(i·k) in [-1, 1]. */
function seq(n: number, k: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(i * k + 0.5));
}
