/**
 * The trainer on WebGPU, end to end, on a machine without a GPU: Mesa's llvmpipe through Dawn's
 * OpenGL ES compatibility mode is a real (software) WebGPU adapter, so the whole WebGPU path runs
 * here — fused batchnorm, fused momentum, the filter-gradient kernel, device-guarded steps read
 * every N, batches gathered on the device, async reads — and is compared with the cpu backend.
 * Needs Mesa's EGL and GL drivers (`libegl-mesa0 libgl1-mesa-dri`, installed by .ci/run).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../../engine/compile';
import { resolveTrainingConfig } from '../../../../engine/graph/training';
import { selectBackend } from '../../../../engine/train/backends/select';
import { readCheckpoint } from '../../../../engine/train/checkpoint';
import { makeTrainStep, readSteps } from '../../../../engine/train/step';
import { train } from '../../../../engine/train/train';
import { FusedAdamOptimizer } from '../../../../engine/train/webgpu/fused/adam';
import { fusedBatchNormTraining } from '../../../../engine/train/webgpu/kernels/batchnorm';
import { FusedMomentumOptimizer } from '../../../../engine/train/webgpu/fused/momentum';
import { registerWebGPUBackend } from '../../../../engine/train/webgpu/device/register';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, steppingClock, tinyCnn, tinyMlp } from '../fixtures';

const registration = await registerWebGPUBackend({ software: true });
const skip = registration.ok ? false : `no software WebGPU adapter: ${registration.reason}`;
const data = { source: 'embedded:mnist', limit: 192, testLimit: 64 };
const dir = mkdtempSync(join(tmpdir(), 'netcanvas-webgpu-'));

async function run(backend: string, graph: ReturnType<typeof tinyCnn>) {
  const c = collect();
  const last = await train(
    { type: 'start', runId: backend, graph, dataset: data, backend },
    { onEvent: c.onEvent, clock: steppingClock() },
  );
  return { last, c };
}

describe.skipIf(skip)('training on WebGPU (software adapter)', () => {
  it('trains a conv + batchnorm + dropout net like the cpu backend does, naming the adapter', { timeout: 300_000 }, async () => {
    // SGD with momentum takes the fused momentum kernel; batchNorm the fused one.
    const graph = tinyCnn({ optimizer: 'sgd', learningRate: 0.05, momentum: 0.9, epochs: 2, seed: 3 });
    const gpu = await run('webgpu', graph);
    const cpu = await run('cpu', graph);
    expect(gpu.last.type).toBe('done');
    expect(cpu.last.type).toBe('done');
    const started = gpu.c.of('started')[0]!;
    expect(started.backend.name).toBe('webgpu');
    expect(started.backend.device).toMatch(/llvmpipe/);
    expect(started.backend.detail).toMatch(/llvmpipe/);
    expect(gpu.c.of('epoch').every((e) => e.backend === 'webgpu' && /llvmpipe/.test(e.device ?? ''))).toBe(true);
    expect(cpu.c.of('epoch')[0]!.device).toBeUndefined();
    // Batch statistics are read eight steps at a time, yet every batch is reported, in order.
    const batches = gpu.c.of('batch');
    expect(batches.map((b) => b.step)).toEqual(cpu.c.of('batch').map((b) => b.step));
    const gpuLoss = batches.map((b) => b.loss);
    const cpuLoss = cpu.c.of('batch').map((b) => b.loss);
    for (let i = 0; i < gpuLoss.length; i++) expect(Math.abs(gpuLoss[i]! - cpuLoss[i]!)).toBeLessThan(2e-3 * Math.max(1, cpuLoss[i]!));
    const [ge, ce] = [gpu.c.of('epoch'), cpu.c.of('epoch')];
    expect(ge[1]!.trainLoss).toBeLessThan(ge[0]!.trainLoss);
    expect(Math.abs(ge[1]!.validationLoss! - ce[1]!.validationLoss!)).toBeLessThan(5e-3);
    // On the GPU the norms are measured on the steps that are read (every 8th and each epoch's
    // last): here an epoch has a handful of steps, so it reports its last step's norm, against the
    // cpu backend's mean over all of them (batch norm's fell from 0.81 to 0.66 between epochs).
    for (const id of ['c1', 'bn', 'out']) {
      expect(ge[1]!.gradientNorms[id]).toBeGreaterThan(ce[1]!.gradientNorms[id]! / 3);
      expect(ge[1]!.gradientNorms[id]).toBeLessThan(3 * ce[1]!.gradientNorms[id]!);
    }
    if (gpu.last.type === 'done' && cpu.last.type === 'done') {
      expect(gpu.last.metrics.testAccuracy).toBeCloseTo(cpu.last.metrics.testAccuracy!, 1);
      expect(gpu.last.confusion.flat().reduce((a, b) => a + b, 0)).toBe(64);
    }
  });

  it('trains with Adam (the fused kernel) like the cpu backend does', { timeout: 120_000 }, async () => {
    const graph = tinyMlp({ optimizer: 'adam', learningRate: 0.003, epochs: 1, seed: 5 });
    const [gpu, cpu] = [await run('webgpu', graph), await run('cpu', graph)];
    const gpuLoss = gpu.c.of('batch').map((b) => b.loss);
    const cpuLoss = cpu.c.of('batch').map((b) => b.loss);
    expect(gpuLoss.length).toBe(cpuLoss.length);
    for (let i = 0; i < gpuLoss.length; i++) expect(Math.abs(gpuLoss[i]! - cpuLoss[i]!)).toBeLessThan(2e-3 * Math.max(1, cpuLoss[i]!));
    expect(gpuLoss.at(-1)).toBeLessThan(gpuLoss[0]!);
  });

  // Plain SGD (the fused kernel at momentum 0), momentum, Nesterov: the kernel skips the step itself.
  it.each([
    [0, false, 'mlp'],
    [0.9, false, 'mlp'],
    [0.9, true, 'mlp'],
    // Batch norm: its moving statistics wait for the guard, and no update steps a weight to ∞.
    [0.9, false, 'cnn'],
  ] as const)(
    'ends a diverging run with finite weights saved (steps guarded on the device), momentum %s, Nesterov %s, %s',
    { timeout: 120_000 },
    async (momentum, nesterov, net) => {
      const checkpointPath = join(dir, `diverged-${momentum}-${nesterov}-${net}.weights.json`);
      const graph = (net === 'mlp' ? tinyMlp : tinyCnn)({
        optimizer: 'sgd',
        momentum,
        nesterov,
        learningRate: 10,
        weightDecay: 100,
        epochs: 3,
      });
      const last = await train(
        { type: 'start', runId: 'nan', graph, dataset: data, backend: 'webgpu', checkpointPath },
        { onEvent: () => {} },
      );
      expect(last).toMatchObject({ type: 'error', kind: 'diverged', checkpoint: checkpointPath });
      for (const w of Object.values((await readCheckpoint(checkpointPath)).layers).flat()) {
        const values = new Float32Array(Buffer.from(w.data, 'base64').buffer.slice(0));
        expect(values.every(Number.isFinite)).toBe(true);
      }
    },
  );

  it('masks a non-finite step for an optimizer without a device guard (tfjs SGD): weights unchanged', async () => {
    await tf.setBackend('webgpu');
    const graph = tinyMlp({ optimizer: 'sgd', momentum: 0 });
    const resolved = resolveTrainingConfig(graph.training);
    if (!resolved.ok) throw new Error(resolved.error);
    const compiled = compileGraph(graph, tf, { seed: 0 });
    const optimizer = tf.train.sgd(0.1);
    const step = makeTrainStep(tf, compiled, resolved.config, 10, optimizer, 'device');
    const weights = async () => Promise.all(compiled.model.weights.map(async (w) => Array.from(await w.read().data())));
    const labels = tf.tensor1d([1, 2], 'int32') as tf.Tensor1D;
    const shape = compiled.model.inputs[0]!.shape.slice(1) as number[];
    const before = await weights();
    const good = tf.ones([2, ...shape]);
    const [applied] = await readSteps(tf, [await step.run(good, labels, { norms: false })]);
    expect(applied!.finite).toBe(true);
    const after = await weights();
    expect(after).not.toEqual(before);
    const bad = tf.fill([2, ...shape], NaN);
    const [skipped] = await readSteps(tf, [await step.run(bad, labels, { norms: false })]);
    expect(skipped!.finite).toBe(false);
    expect(await weights()).toEqual(after);
    tf.dispose([labels, bad, good]);
    step.dispose?.();
    compiled.model.dispose();
    optimizer.dispose();
  });

  it('skips every step queued after a non-finite one: the weights and moving statistics are those from before it', async () => {
    await tf.setBackend('webgpu');
    const graph = tinyCnn({ optimizer: 'sgd', momentum: 0.9, learningRate: 0.1 });
    const resolved = resolveTrainingConfig(graph.training);
    if (!resolved.ok) throw new Error(resolved.error);
    const make = () => {
      const compiled = compileGraph(graph, tf, { seed: 0, batchNormTraining: fusedBatchNormTraining });
      const optimizer = new FusedMomentumOptimizer(0.1, 0.9);
      const step = makeTrainStep(tf, compiled, resolved.config, 10, optimizer, 'device');
      const weights = async () => Promise.all(compiled.model.weights.map(async (w) => Array.from(await w.read().data())));
      return { step, weights, dispose: () => (step.dispose?.(), compiled.model.dispose(), optimizer.dispose()) };
    };
    const shape = [2, 28, 28, 1];
    const labels = tf.tensor1d([1, 2], 'int32') as tf.Tensor1D;
    const [good, bad, later] = [
      tf.randomNormal(shape, 0, 1, 'float32', 1),
      tf.fill(shape, NaN),
      tf.randomNormal(shape, 0, 1, 'float32', 2),
    ];
    const queued = make();
    const results = await readSteps(tf, [
      await queued.step.run(good, labels),
      await queued.step.run(bad, labels),
      await queued.step.run(later, labels),
    ]);
    expect(results.map((r) => r.finite)).toEqual([true, false, true]);
    const reference = make();
    await readSteps(tf, [await reference.step.run(good, labels)]);
    expect(await queued.weights()).toEqual(await reference.weights());
    tf.dispose([labels, good, bad, later]);
    queued.dispose();
    reference.dispose();
  });

  it.each(['momentum', 'adam'] as const)('keeps an element whose %s update would overflow at its old value', async (kind) => {
    await tf.setBackend('webgpu');
    const w = tf.tidy(() => tf.variable(tf.tensor1d([3e38, 1, -3e38]), true, `overflow_${kind}`));
    const optimizer = kind === 'momentum' ? new FusedMomentumOptimizer(10, 0.9) : new FusedAdamOptimizer(1e38, 0.9, 0.999);
    const grads = { [w.name]: tf.tensor1d([-1e38, 1, 1e38]) };
    optimizer.applyGradients(grads as never);
    const after = Array.from(await w.data());
    expect(after[0]).toBe(Math.fround(3e38)); // w − lr·g would be +∞
    expect(after[2]).toBe(Math.fround(-3e38)); // −∞
    expect(after[1]).not.toBe(1); // the finite element moved
    expect(after.every(Number.isFinite)).toBe(true);
    tf.dispose(Object.values(grads));
    optimizer.dispose();
    w.dispose();
  });

  it('skips a guarded momentum step exactly: weights and momentum unchanged when ok is 0', async () => {
    await tf.setBackend('webgpu');
    const w = tf.variable(tf.tensor1d([1, 2, 3]), true, 'guarded_w');
    const optimizer = new FusedMomentumOptimizer(0.1, 0.9);
    const step = (g: number[], ok: number) => {
      const grads = { guarded_w: tf.tensor1d(g) };
      const flag = tf.scalar(ok);
      expect(optimizer.applyGradientsIf(grads, flag)).toBe(true);
      tf.dispose([grads.guarded_w, flag]);
    };
    step([1, 1, 1], 1); // a = g = 1; w -= 0.1
    expect(Array.from(await w.data())).toEqual([0.9, 1.9, 2.9].map(Math.fround));
    step([NaN, Infinity, 1], 0); // skipped: NaN never reaches w or a
    expect(Array.from(await w.data())).toEqual([0.9, 1.9, 2.9].map(Math.fround));
    step([0, 0, 0], 1); // a = 0.9·1 + 0 (unchanged by the skipped step); w -= 0.09
    const after = await w.data();
    [0.81, 1.81, 2.81].forEach((v, i) => expect(after[i]).toBeCloseTo(v, 6));
    optimizer.dispose();
    w.dispose();
  });

  it('skips a guarded Adam step exactly: weights, moments and β powers unchanged when ok is 0', async () => {
    await tf.setBackend('webgpu');
    const make = () => tf.variable(tf.tensor1d([1, -2, 3]), true, `adam_w_${Math.random()}`);
    const [guardedW, plainW] = [make(), make()];
    const guarded = new FusedAdamOptimizer(0.1, 0.9, 0.999, 1e-7);
    const plain = new FusedAdamOptimizer(0.1, 0.9, 0.999, 1e-7);
    const apply = (o: FusedAdamOptimizer, w: tf.Variable, g: number[], ok: number) => {
      const grads = { [w.name]: tf.tensor1d(g) };
      const flag = tf.scalar(ok);
      expect(o.applyGradientsIf(grads, flag)).toBe(true);
      tf.dispose([...Object.values(grads), flag]);
    };
    apply(guarded, guardedW, [1, 2, -1], 1);
    apply(guarded, guardedW, [NaN, Infinity, 1], 0); // skipped
    apply(guarded, guardedW, [0.5, -0.5, 2], 1);
    apply(plain, plainW, [1, 2, -1], 1);
    apply(plain, plainW, [0.5, -0.5, 2], 1);
    const [a, b] = [await guardedW.data(), await plainW.data()];
    expect(Array.from(a).every(Number.isFinite)).toBe(true);
    expect(Array.from(a)).toEqual(Array.from(b));
    tf.dispose([guardedW, plainW]);
    guarded.dispose();
    plain.dispose();
  });

  it('is passed over by the automatic choice, saying why (a software renderer is slower than wasm)', async () => {
    const choice = await selectBackend();
    expect(choice.name).not.toBe('webgpu');
    expect(choice.skipped.find((s) => s.name === 'webgpu')?.reason).toMatch(/software renderer.*wasm backend is faster/);
    await tf.setBackend(choice.tfjsName);
  });
});

it.skipIf(!skip)('says why the WebGPU tests were skipped', () => {
  expect(skip).toMatch(/adapter/);
});
