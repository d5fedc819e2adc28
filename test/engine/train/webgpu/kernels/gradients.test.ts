/**
 * The device-side Sum and Mean gradients: the same values as tfjs-core's on every backend, and on
 * WebGPU (Mesa's software adapter) no host array of the input's size is uploaded for them. ReLU's:
 * one launch on WebGPU, bit for bit tfjs-core's. On any other backend, tfjs-core's own run.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, expect, it } from 'vitest';
import { registerDeviceGradients, restoreStockGradients } from '../../../../../engine/train/webgpu/kernels/gradients';
import { registerWebGPUBackend } from '../../../../../engine/train/webgpu/device/register';

const registration = await registerWebGPUBackend({ software: true, fastKernels: false });

afterEach(() => restoreStockGradients());

const CASES: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
  { shape: [4, 3, 3, 5], axis: [1, 2], keepDims: false }, // global average pool
  { shape: [4, 3, 3, 5], axis: [1, 2], keepDims: true },
  { shape: [6, 7], axis: -1, keepDims: false },
  { shape: [6, 7], axis: 0, keepDims: true },
  { shape: [2, 3, 4], axis: [0, 1, 2], keepDims: false },
];

/** ∂/∂x of Σ(w ⊙ reduce(x)), with a w that makes every output position matter differently. */
async function gradients(reduce: 'sum' | 'mean') {
  const out: number[][] = [];
  for (const c of CASES) {
    const x = tf.randomNormal(c.shape, 0, 1, 'float32', 7);
    const reducedShape = tf.tidy(() => (reduce === 'sum' ? tf.sum(x, c.axis, c.keepDims) : tf.mean(x, c.axis, c.keepDims)).shape);
    const w = tf.randomUniform(reducedShape, 0.5, 2, 'float32', 11);
    const g = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.mul(reduce === 'sum' ? tf.sum(v, c.axis, c.keepDims) : tf.mean(v, c.axis, c.keepDims), w)),
    )(x);
    out.push(Array.from(await g.data()));
    tf.dispose([x, w, g]);
  }
  return out;
}

it('gives exactly the values of tfjs-core’s gradients (cpu backend)', async () => {
  await tf.setBackend('cpu');
  const stock = { sum: await gradients('sum'), mean: await gradients('mean') };
  registerDeviceGradients();
  expect(await gradients('sum')).toEqual(stock.sum);
  expect(await gradients('mean')).toEqual(stock.mean);
  restoreStockGradients();
  expect(await gradients('mean')).toEqual(stock.mean);
});

it('runs tfjs-core’s own gradients on other backends (on wasm a BroadcastTo is far slower than a broadcasting multiply)', async () => {
  await tf.setBackend('cpu');
  /** The kernels one backward pass through a mean, a sum and a ReLU launches. */
  const kernels = async () => {
    const x = tf.randomNormal([4, 6, 6, 3], 0, 1, 'float32', 3);
    const info = await tf.profile(() => {
      const g = tf.grad((v: tf.Tensor) => tf.add(tf.sum(tf.mean(tf.relu(v), [1, 2])), tf.sum(tf.square(v))))(x);
      g.dispose();
    });
    x.dispose();
    return info.kernelNames;
  };
  const stock = await kernels();
  registerDeviceGradients();
  const ours = await kernels();
  expect(ours).toEqual(stock);
  expect(ours).not.toContain('Tile');
});

it('uploads no host array of the input’s size on WebGPU', { timeout: 120_000 }, async (ctx) => {
  if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
  await tf.setBackend('webgpu');
  const device = (tf.backend() as unknown as { device: { createBuffer: (d: { size: number; usage: number }) => unknown } }).device;
  const original = device.createBuffer;
  const x = tf.randomNormal([32, 16, 16, 8]);
  const bytes = x.size * 4;
  /** Staging buffers (MAP_WRITE) at least as large as x, created while the gradient runs once warm. */
  const bigUploads = async () => {
    const run = async () => {
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mean(v, [1, 2])))(x);
      await g.data();
      g.dispose();
    };
    await run();
    let count = 0;
    device.createBuffer = function (this: unknown, d: { size: number; usage: number }) {
      if (d.size >= bytes && (d.usage & GPUBufferUsage.MAP_WRITE) !== 0) count++;
      return original.call(this, d);
    };
    try {
      await run();
    } finally {
      device.createBuffer = original;
    }
    return count;
  };
  expect(await bigUploads()).toBeGreaterThan(0); // tfjs-core's: dy · ones(x.shape), ones made on the host
  registerDeviceGradients();
  expect(await bigUploads()).toBe(0);
  x.dispose();
});

it(
  'gives ReLU’s gradient in one launch on WebGPU, bit for bit tfjs-core’s (NaN, ±∞ and −0 included)',
  { timeout: 120_000 },
  async (ctx) => {
    if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
    await tf.setBackend('webgpu');
    // Every pairing of an input sign (or NaN) with an upstream gradient sign (or NaN, ±∞), 1,600 times.
    const xs = [-2, -0, 0, 1.5, NaN];
    const dys = [-3, 0, 2.5, NaN, Infinity, -Infinity];
    const pairs = xs.flatMap((x) => dys.map((dy) => [x, dy] as const));
    const n = pairs.length * 1600;
    const x = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => pairs[i % pairs.length]![0]));
    const dy = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => pairs[i % pairs.length]![1]));
    /** The gradient's values, and the tfjs kernels run to get them (ours is not one: it launches directly). */
    const gradient = async () => {
      let values: number[] = [];
      const info = await tf.profile(async () => {
        const g = tf.grad((v: tf.Tensor) => tf.relu(v))(x, dy);
        values = Array.from(await g.data());
        g.dispose();
      });
      return { values, kernels: info.kernels.map((k) => k.name) };
    };
    const stock = await gradient();
    expect(stock.kernels).toEqual(expect.arrayContaining(['Step', 'Multiply']));
    registerDeviceGradients();
    const ours = await gradient();
    expect(ours.kernels).not.toContain('Step');
    expect(ours.kernels).not.toContain('Multiply');
    expect(ours.values.length).toBe(n);
    expect(ours.values).toEqual(stock.values);
    expect(ours.values.some((v) => Object.is(v, -0))).toBe(true); // the −0 cases are really there
    expect(ours.values.some(Number.isNaN)).toBe(true);
    tf.dispose([x, dy]);
  },
);
