/**
 * Numerical checks of the WebGPU kernels against the cpu backend, on Mesa's software adapter (a
 * real WebGPU device that computes on the CPU). The GPU bench runs the same checks, all sizes, on
 * the GPU.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { registerWebGPUBackend } from '../../../../../engine/train/webgpu/device/register';
import { verifyWebGPUKernels } from './verify';

const registration = await registerWebGPUBackend({ software: true });

it('matches the cpu backend on the conv gradients, the fused batchnorm and the fused optimizers', { timeout: 600_000 }, async (ctx) => {
  if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
  await tf.setBackend('webgpu');
  const results = await verifyWebGPUKernels({ full: false });
  expect(results.length).toBeGreaterThanOrEqual(20);
  expect(results.filter((r) => !r.pass)).toEqual([]);
});
