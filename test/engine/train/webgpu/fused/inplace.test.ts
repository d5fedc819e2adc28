/**
 * In-place updates (engine/train/webgpu/fused/inplace.ts) on Mesa's software adapter: the optimizers and
 * batch norm really take the one-launch path in training, a guard flag made the trainer's way (a
 * cast from bool) is read right, shared buffers are refused by runInPlace and given their own copy by
 * the fused updates (whose maths is their in-place kernel alone), and no stale host copy survives.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { compileGraph } from '../../../../../engine/compile';
import { resolveTrainingConfig } from '../../../../../engine/graph/training';
import { accelerationFor } from '../../../../../engine/train/acceleration';
import { makeTrainStep, readSteps } from '../../../../../engine/train/step';
import { runInPlace, type InPlaceKernel } from '../../../../../engine/train/webgpu/fused/inplace';
import { FusedAdamOptimizer } from '../../../../../engine/train/webgpu/fused/adam';
import { FusedMomentumOptimizer } from '../../../../../engine/train/webgpu/fused/momentum';
import { registerWebGPUBackend } from '../../../../../engine/train/webgpu/device/register';
import { residualCnn } from '../../../../../bench/train_models';

const registration = await registerWebGPUBackend({ software: true });

const ADD_ONE: InPlaceKernel = { key: 'testAddOne', writable: ['w'], readable: [], uniforms: [], body: 'w[i] = w[i] + 1.0;' };

it.for(['sgd', 'adam'] as const)(
  'trains with every weight, slot and moving statistic updated in place (%s)',
  { timeout: 120_000 },
  async (optimizerName, ctx) => {
    if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
    await tf.setBackend('webgpu');
    const resolved = resolveTrainingConfig({ optimizer: optimizerName, learningRate: 0.01, momentum: 0.9 });
    if (!resolved.ok) throw new Error(resolved.error);
    const acceleration = await accelerationFor('webgpu');
    const compiled = compileGraph(residualCnn(), tf, { seed: 0, ...acceleration.compile });
    const optimizer = acceleration.buildOptimizer(tf, resolved.config);
    const step = makeTrainStep(tf, compiled, resolved.config, 10, optimizer, acceleration.guard, acceleration.crossEntropy);
    const x = tf.randomNormal([4, 32, 32, 3], 0, 1, 'float32', 1);
    const labels = tf.tensor1d([1, 2, 3, 4], 'int32') as tf.Tensor1D;
    // Weights, moving statistics and the optimizer's slots (not its iteration count, made per call).
    const state = async () => [
      ...compiled.model.weights.map((w) => w.read()),
      ...(await optimizer.getWeights()).filter((w) => w.name !== 'iter').map((w) => w.tensor),
    ];
    const values = async () => Promise.all((await state()).map(async (t) => Array.from(await t.data())));
    // The first step may replace a buffer still shared with its initial value; from then on, in place.
    await readSteps(tf, [await step.run(x, labels)]);
    const ids = (await state()).map((t) => t.dataId);
    const before = await values();
    await readSteps(tf, [await step.run(x, labels), await step.run(x, labels, { norms: false })]);
    expect((await state()).map((t) => t.dataId)).toEqual(ids);
    const after = await values();
    // Every weight with a gradient, every slot, the moving statistics and the β powers moved.
    const moved = after.filter((v, i) => v.some((n, j) => n !== before[i]![j])).length;
    expect(moved).toBe(after.length);
    tf.dispose([x, labels]);
    compiled.model.dispose();
    optimizer.dispose();
  },
);

it('applies a guarded step when the flag is a cast from bool, and skips it when 0', async (ctx) => {
  if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
  await tf.setBackend('webgpu');
  const w = tf.tidy(() => tf.variable(tf.ones([2000]), true, 'inplace_guard_w'));
  const optimizer = new FusedMomentumOptimizer(0.1, 0.9);
  const g = tf.fill([2000], 1);
  const flag = (finite: boolean) => tf.tidy(() => tf.isFinite(tf.scalar(finite ? 1 : NaN)).cast('float32'));
  for (const [finite, expected] of [
    [true, 0.9],
    [false, 0.9],
    [true, 0.71],
  ] as const) {
    const ok = flag(finite);
    expect(optimizer.applyGradientsIf({ [w.name]: g }, ok)).toBe(true);
    ok.dispose();
    const v = await w.data();
    expect(v[0]).toBeCloseTo(expected, 6);
    expect(v[1999]).toBeCloseTo(expected, 6);
  }
  tf.dispose([w, g]);
  optimizer.dispose();
});

it('refuses a buffer another tensor shares, and leaves no stale host copy behind', async (ctx) => {
  if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
  await tf.setBackend('webgpu');
  const w = tf.tidy(() => tf.variable(tf.zeros([10]), true, 'inplace_shared_w'));
  const alias = tf.clone(w); // shares w's data: writing in place would change it too
  expect(runInPlace(ADD_ONE, [w], [], [])).toBe(false);
  alias.dispose();
  expect(runInPlace(ADD_ONE, [w], [], [])).toBe(true); // w now lives on the GPU, and holds 1
  // A read requested before the write that resolves after it must not become w's cached value.
  const early = w.data();
  expect(runInPlace(ADD_ONE, [w], [], [])).toBe(true);
  expect(Array.from(await early)).toEqual(new Array(10).fill(1));
  expect(Array.from(await w.data())).toEqual(new Array(10).fill(2));
  // Small tensors with host values are computed on the host by tfjs-webgpu: it must see 2, not 1.
  const plus = tf.add(w, 1);
  expect(Array.from(await plus.data())).toEqual(new Array(10).fill(3));
  tf.dispose([w, plus]);
});

it.for(['momentum', 'adam'] as const)(
  'updates a shared buffer through its own copy with the same in-place maths (%s): the alias keeps its values, an overflow keeps the old weight',
  async (kind, ctx) => {
    if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
    await tf.setBackend('webgpu');
    const w = tf.tidy(() => tf.variable(tf.tensor1d([3e38, 1]), true, `inplace_shared_update_${kind}`));
    const alias = tf.clone(w); // shares w's data, as a variable does with a checkpoint just loaded
    // Element 0's step overflows float32 (the in-place kernels keep such an element as it was); element 1's does not.
    const g = tf.tensor1d([-3e38, 0.5]);
    const optimizer = kind === 'momentum' ? new FusedMomentumOptimizer(10, 0.9) : new FusedAdamOptimizer(1e38, 0.9, 0.999, 1e-7);
    optimizer.applyGradients([{ name: w.name, tensor: g }]);
    const [kept, stepped] = Array.from(await w.data());
    expect(kept).toBe(Math.fround(3e38));
    expect(stepped).toBeCloseTo(kind === 'momentum' ? 1 - 10 * 0.5 : 1 - 1e38, kind === 'momentum' ? 5 : -33);
    expect(Array.from(await alias.data())).toEqual([Math.fround(3e38), 1]);
    tf.dispose([w, alias, g]);
    optimizer.dispose();
  },
);
