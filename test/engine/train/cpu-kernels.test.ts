/**
 * The gradient of nearest upsampling (upsample2d) on the cpu backend: tfjs-backend-cpu's kernel
 * gives every sample after a batch's first the gradient of the wrong pixels; NetCanvas's
 * replacement is the adjoint of the forward, equal to the wasm backend's and to the s×s block sums.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { registerCpuFixes } from '../../../engine/train/backends/cpu-kernels';

const x0 = Float32Array.from({ length: 3 * 7 * 5 * 2 }, (_, i) => Math.sin(i));

async function gradient(backend: string, size: [number, number], opts: { alignCorners?: boolean; halfPixelCenters?: boolean } = {}) {
  await tf.setBackend(backend);
  const dy = tf.tensor(
    Float32Array.from({ length: 3 * size[0] * size[1] * 2 }, (_, i) => Math.cos(i * 0.37)),
    [3, ...size, 2],
  );
  const g = tf.grad((x: tf.Tensor) =>
    tf.image
      .resizeNearestNeighbor(x as tf.Tensor4D, size, opts.alignCorners, opts.halfPixelCenters)
      .mul(dy)
      .sum(),
  );
  return Array.from(await g(tf.tensor(x0, [3, 7, 5, 2])).data());
}

const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('the cpu backend’s gradient of nearest upsampling', () => {
  it('is the s×s block sums for every sample of a batch, as upsample2d ×4 needs', async () => {
    registerCpuFixes();
    const got = await gradient('cpu', [28, 20]);
    await tf.setBackend('cpu');
    const dy = Float32Array.from({ length: 3 * 28 * 20 * 2 }, (_, i) => Math.cos(i * 0.37));
    const blocks = Array.from(await tf.sum(tf.reshape(tf.tensor(dy), [3, 7, 4, 5, 4, 2]), [2, 4]).data());
    expect(maxDiff(got, blocks)).toBeLessThan(1e-5);
  });

  it.each([
    [[14, 10], {}],
    [[11, 9], {}],
    [[11, 9], { alignCorners: true }],
  ] as const)('matches the wasm backend for %j %j', async (size, opts) => {
    registerCpuFixes();
    expect(maxDiff(await gradient('cpu', [...size], opts), await gradient('wasm', [...size], opts))).toBeLessThan(1e-5);
  });

  it.each<[{ alignCorners?: boolean; halfPixelCenters?: boolean }]>([[{}], [{ alignCorners: true }], [{ halfPixelCenters: true }]])(
    'is the adjoint of the forward (⟨up(x), dy⟩ = ⟨x, grad⟩) with %j',
    async (opts) => {
      registerCpuFixes();
      const size: [number, number] = [11, 9];
      const g = await gradient('cpu', size, opts);
      const dy = tf.tensor(
        Float32Array.from({ length: 3 * 11 * 9 * 2 }, (_, i) => Math.cos(i * 0.37)),
        [3, ...size, 2],
      );
      const up = tf.image.resizeNearestNeighbor(tf.tensor(x0, [3, 7, 5, 2]) as tf.Tensor4D, size, opts.alignCorners, opts.halfPixelCenters);
      const lhs = (await tf.sum(tf.mul(up, dy)).data())[0]!;
      const rhs = g.reduce((a, v, i) => a + v * x0[i]!, 0);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4);
    },
  );
});
