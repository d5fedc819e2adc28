/**
 * WebGPU's dropout (engine/train/webgpu/kernels/dropout.ts) on Mesa's software adapter: it keeps 1 − rate
 * of the elements, scaled by 1/(1 − rate); a new mask every step, the same masks for the same seed
 * (and as the host draws them),
 * the gradient through the same mask, and its counter advanced in place.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import type { DropoutState } from '../../../../../engine/compile/customLayers';
import { dropoutMask } from '../../../../../engine/compile/dropoutMask';
import { dropoutTraining } from '../../../../../engine/train/webgpu/kernels/dropout';
import { registerWebGPUBackend } from '../../../../../engine/train/webgpu/device/register';

const registration = await registerWebGPUBackend({ software: true });

it('keeps 1 − rate of the elements at 1/(1 − rate), with a new mask each step and the same masks for the same seed', async (ctx) => {
  if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
  await tf.setBackend('webgpu');
  const x = tf.ones([200, 500]);
  const a: DropoutState = { seed: 1234, counter: null };
  const b: DropoutState = { seed: 1234, counter: null };
  const other: DropoutState = { seed: 99, counter: null };
  const masks = async (state: DropoutState, n: number) => {
    const out: Float32Array[] = [];
    for (let i = 0; i < n; i++) {
      const y = dropoutTraining(x, 0.3, state);
      out.push((await y.data()) as Float32Array);
      y.dispose();
    }
    return out;
  };
  const [first, second] = await masks(a, 2);
  for (const m of [first!, second!]) {
    expect(new Set(m)).toEqual(new Set([0, Math.fround(1 / 0.7)]));
    const kept = m.filter((v) => v > 0).length / m.length;
    expect(kept).toBeGreaterThan(0.69);
    expect(kept).toBeLessThan(0.71);
  }
  // Independent draws agree on about 0.7² + 0.3² = 58% of the elements, not all of them.
  const agree = (p: Float32Array, q: Float32Array) => p.filter((v, i) => v === q[i]).length / p.length;
  expect(agree(first!, second!)).toBeCloseTo(0.58, 1);
  const [again, againSecond] = await masks(b, 2);
  expect(again).toEqual(first);
  expect(againSecond).toEqual(second);
  // The very masks the portable layer draws on the host: a seed trains alike on every backend.
  expect(first).toEqual(dropoutMask(x.size, 0.3, 1234, 0));
  expect(second).toEqual(dropoutMask(x.size, 0.3, 1234, 1));
  expect(agree((await masks(other, 1))[0]!, first!)).toBeCloseTo(0.58, 1);
  tf.dispose([x, a.counter!, b.counter!, other.counter!]);
});

it('passes the gradient through the mask it drew, and advances its counter in place', async (ctx) => {
  if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
  await tf.setBackend('webgpu');
  const state: DropoutState = { seed: 7, counter: null };
  const x = tf.randomNormal([4096], 0, 1, 'float32', 3);
  const { value, grad } = tf.valueAndGrad((a: tf.Tensor) => tf.sum(dropoutTraining(a, 0.5, state)))(x);
  const bufferOf = (t: tf.Tensor) =>
    (tf.backend() as unknown as { tensorMap: { get(id: object): { resource: unknown } } }).tensorMap.get(t.dataId)!.resource;
  const buffer = bufferOf(state.counter!);
  const y = tf.tidy(() => dropoutTraining(x, 0.5, state));
  const g = (await grad.data()) as Float32Array;
  // d sum(x·mask)/dx = mask: 0 or 2, the mask that made the value.
  expect(new Set(g)).toEqual(new Set([0, 2]));
  expect(g.filter((v) => v === 2).length / g.length).toBeCloseTo(0.5, 1);
  expect((await value.data())[0]).toBeCloseTo((await tf.sum(tf.mul(x, grad)).data())[0]!, 3);
  expect(Array.from(await state.counter!.data())).toEqual([2]);
  expect(bufferOf(state.counter!)).toBe(buffer);
  tf.dispose([x, y, value, grad, state.counter!]);
});
