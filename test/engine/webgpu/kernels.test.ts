/**
 * Numerical checks of the WebGPU kernels against the cpu backend. They need a real adapter, so
 * they run on a GPU machine (the GPU bench runs the same checks) and are skipped elsewhere.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { registerWebGPUBackend } from '../../../engine/train/webgpu/register';
import { verifyWebGPUKernels } from '../../../engine/train/webgpu/verify';

const registration = await registerWebGPUBackend();

it('matches the cpu backend on the filter gradient and the fused batchnorm', { timeout: 600_000 }, async (ctx) => {
  if (!registration.ok) ctx.skip('no WebGPU adapter on this machine');
  await tf.setBackend('webgpu');
  const results = await verifyWebGPUKernels();
  expect(results.filter((r) => !r.pass)).toEqual([]);
});
