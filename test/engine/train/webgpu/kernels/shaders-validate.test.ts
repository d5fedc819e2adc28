/**
 * Our WGSL on Dawn's null adapter: it parses and validates every shader and builds every pipeline
 * (computing nothing), so a WGSL mistake fails here, on CPU machines, instead of on the GPU.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { customLayers } from '../../../../../engine/compile/customLayers';
import { fusedBatchNormTraining } from '../../../../../engine/train/webgpu/kernels/batchnorm';
import { FusedMomentumOptimizer } from '../../../../../engine/train/webgpu/fused/momentum';
import { registerWebGPUBackend } from '../../../../../engine/train/webgpu/device/register';

const errors: string[] = [];
let registered = false;

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.map(String).join(' ')));
  const result = await registerWebGPUBackend({ dawnFlags: ['backend=null'] });
  registered = result.ok;
  if (result.ok) await tf.setBackend('webgpu');
});

afterAll(() => vi.restoreAllMocks());

it('compiles the filter-gradient, fused batchnorm and fused momentum shaders without validation errors', async (ctx) => {
  if (!registered) ctx.skip('Dawn (the webgpu package) is not loadable here');
  const x = tf.randomNormal([4, 9, 9, 3]);
  const conv = tf.layers.conv2d({ filters: 5, kernelSize: 3, padding: 'same' });
  const { ChannelBatchNorm } = customLayers(tf, { batchNormTraining: fusedBatchNormTraining });
  const bn = new ChannelBatchNorm({ momentum: 0.99, epsilon: 1e-3, name: 'bn' });
  const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [9, 9, 3] }), conv, bn] });
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)));
  await value.data(); // flushes the queue: every pipeline has been created by now
  await (bn.getWeights()[2] as tf.Tensor).data();
  expect(Object.keys(grads).length).toBe(4); // conv kernel + bias, gamma, beta
  const optimizer = new FusedMomentumOptimizer(0.01, 0.9);
  optimizer.applyGradients(grads as tf.NamedTensorMap as Parameters<typeof optimizer.applyGradients>[0]);
  await (conv.getWeights()[0] as tf.Tensor).data();
  optimizer.dispose();
  expect(errors.filter((e) => e.includes('[webgpu]'))).toEqual([]);
  tf.dispose([x, value, ...Object.values(grads)]);
});
