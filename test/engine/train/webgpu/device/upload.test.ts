/**
 * Uploads through the queue (engine/train/webgpu/device/upload.ts) on Mesa's software adapter: the values
 * arrive intact for every dtype tfjs-webgpu stores, and no buffer is created mapped for them.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { registerWebGPUBackend } from '../../../../../engine/train/webgpu/device/register';
import { useQueueUploads } from '../../../../../engine/train/webgpu/device/upload';

const registration = await registerWebGPUBackend({ software: true, fastKernels: false });

it('uploads float32, int32 and bool tensors intact, without mapped buffers', { timeout: 120_000 }, async (ctx) => {
  if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
  await tf.setBackend('webgpu');
  const backend = tf.backend();
  const device = (
    backend as unknown as { device: { createBuffer: (d: { size: number; usage: number; mappedAtCreation?: boolean }) => unknown } }
  ).device;
  const original = device.createBuffer;
  let staging = 0;
  device.createBuffer = function (this: unknown, d: { size: number; usage: number; mappedAtCreation?: boolean }) {
    if (d.mappedAtCreation === true) staging++;
    return original.call(this, d);
  };
  /**
   * Host tensors used by GPU ops, so each is uploaded; results read back. Sizes over tfjs-webgpu's
   * CPU hand-off threshold (1000 elements), below which it would compute on the host instead.
   */
  const roundTrip = async () => {
    const floats = Array.from({ length: 4096 }, (_, i) => Math.sin(i) * 1e3);
    const ints = Array.from({ length: 2051 }, (_, i) => i * 7919 - 1e6);
    const bools = Array.from({ length: 1203 }, (_, i) => i % 3 === 0);
    const f = tf.add(tf.tensor1d(floats), tf.scalar(0.5));
    const n = tf.add(tf.tensor1d(ints, 'int32'), tf.scalar(1, 'int32'));
    const b = tf.logicalNot(tf.tensor1d(bools, 'bool'));
    const out = { f: await f.data(), n: await n.data(), b: await b.data() };
    expect(Array.from(out.f)).toEqual(floats.map((v) => Math.fround(Math.fround(v) + 0.5)));
    expect(Array.from(out.n)).toEqual(ints.map((v) => v + 1));
    expect(Array.from(out.b)).toEqual(bools.map((v) => (v ? 0 : 1)));
    tf.dispose([f, n, b]);
  };
  try {
    await roundTrip();
    expect(staging).toBeGreaterThan(0); // tfjs-webgpu's own path: buffers mapped at creation
    useQueueUploads(backend, true);
    staging = 0;
    await roundTrip();
    expect(staging).toBe(0);
  } finally {
    device.createBuffer = original;
    useQueueUploads(backend, false);
  }
});
