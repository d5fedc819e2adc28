/**
 * Recorded steps replayed (engine/train/webgpu/replay/replay-step.ts) on Mesa's software adapter: replayed
 * training is tfjs's training number for number, a change a recording cannot see coming (learning
 * rate, a replaced weight) is noticed before the next replay, a step that is not the same each
 * time or that reads back or keeps a tensor is never replayed, and no buffer outlives the step.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { compileGraph } from '../../../../../engine/compile';
import { resolveTrainingConfig } from '../../../../../engine/graph/training';
import { accelerationFor } from '../../../../../engine/train/acceleration';
import { setLearningRate } from '../../../../../engine/train/config';
import { makeTrainStep, readSteps, type PendingStep, type StepResult, type TrainStep } from '../../../../../engine/train/step';
import { recorderFor } from '../../../../../engine/train/webgpu/replay/recording';
import { registerWebGPUBackend } from '../../../../../engine/train/webgpu/device/register';
import { replayingStep, type ReplayingStep } from '../../../../../engine/train/webgpu/replay/replay-step';
import { lenet5, residualCnn } from '../../../../../bench/train_models';
import type { GraphDoc } from '../../../../../engine/graph/types';

const registration = await registerWebGPUBackend({ software: true });

async function trainer(graph: GraphDoc, optimizerName: 'sgd' | 'adam', replay: boolean, portableDropout = false) {
  const resolved = resolveTrainingConfig({ optimizer: optimizerName, learningRate: 0.01, momentum: 0.9 });
  if (!resolved.ok) throw new Error(resolved.error);
  const acceleration = await accelerationFor('webgpu');
  const compile = portableDropout ? { batchNormTraining: acceleration.compile.batchNormTraining } : acceleration.compile;
  const compiled = compileGraph(graph, tf, { seed: 0, ...compile });
  const optimizer = acceleration.buildOptimizer(tf, resolved.config);
  const plain = makeTrainStep(tf, compiled, resolved.config, 10, optimizer, acceleration.guard, acceleration.crossEntropy);
  const step = replay ? replayingStep(plain, optimizer) : plain;
  const state = async () => [...compiled.model.weights.map((w) => w.read()), ...(await optimizer.getWeights()).map((w) => w.tensor)];
  return {
    step,
    optimizer,
    compiled,
    values: async () => Promise.all((await state()).map(async (t) => Array.from(await t.data()))),
    dispose: () => (step.dispose?.(), compiled.model.dispose(), optimizer.dispose()),
  };
}

function batch(i: number, n: number, shape: number[]) {
  return {
    x: tf.randomNormal([n, ...shape], 0, 1, 'float32', 100 + i),
    labels: tf.tensor1d(
      Array.from({ length: n }, (_, k) => (k * 3 + i) % 10),
      'int32',
    ) as tf.Tensor1D,
  };
}

/** One step on each trainer with the same batch; norms every 4th step as the trainer reads them. */
async function stepBoth(a: TrainStep, b: TrainStep, i: number, shape: number[], n = 4): Promise<[StepResult, StepResult]> {
  const { x, labels } = batch(i, n, shape);
  const norms = i % 4 === 3;
  const pending: PendingStep[] = [await a.run(x, labels, { norms }), await b.run(x, labels, { norms })];
  tf.dispose([x, labels]);
  const [ra, rb] = await readSteps(tf, pending);
  return [ra!, rb!];
}

it.for(['sgd', 'adam'] as const)(
  'replays the residual CNN (batch norm, dropout) exactly as tfjs trains it (%s)',
  { timeout: 240_000 },
  async (optimizerName, ctx) => {
    if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
    await tf.setBackend('webgpu');
    const live = recorderFor(tf.backend()).live;
    const replayed = await trainer(residualCnn(), optimizerName, true);
    const reference = await trainer(residualCnn(), optimizerName, false);
    for (let i = 0; i < 10; i++) {
      const [r, ref] = await stepBoth(replayed.step, reference.step, i, [32, 32, 3]);
      expect(r).toEqual(ref);
    }
    expect(await replayed.values()).toEqual(await reference.values());
    const report = (replayed.step as ReplayingStep).replay;
    expect(report.off).toEqual({});
    // Steps 0 and 3 warm their kinds up, 1–2 and 7 record; 4, 5, 6, 8 and 9 are replayed.
    expect(report.replayed).toBe(5);
    replayed.dispose();
    reference.dispose();
    expect(recorderFor(tf.backend()).live).toBe(live);
  },
);

it(
  'records again after a learning-rate change or a replaced weight, runs a short batch through tfjs, and trains as tfjs does',
  { timeout: 120_000 },
  async (ctx) => {
    if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
    await tf.setBackend('webgpu');
    const replayed = await trainer(lenet5(), 'sgd', true);
    const reference = await trainer(lenet5(), 'sgd', false);
    const report = (replayed.step as ReplayingStep).replay;
    const steps = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const [r, ref] = await stepBoth(replayed.step, reference.step, i * 4, [28, 28, 1]); // no norms: one kind of step
        expect(r).toEqual(ref);
      }
    };
    await steps(0, 5);
    expect(report.replayed).toBe(2);
    for (const t of [replayed, reference]) setLearningRate(t.optimizer, 0.05);
    await steps(5, 8); // recorded twice with the new rate, then replayed
    expect(report.replayed).toBe(3);
    // As a checkpoint restore does: same values, a new buffer.
    for (const t of [replayed, reference]) {
      const kernel = t.compiled.model.weights[0]!.read() as tf.Variable;
      const copy = kernel.add(0);
      kernel.assign(copy);
      copy.dispose();
    }
    await steps(8, 11);
    expect(report.replayed).toBe(4);
    // An epoch's short last batch runs through tfjs, and the full batches replay again after it.
    const plainBefore = report.plain;
    const [short, shortRef] = await stepBoth(replayed.step, reference.step, 44, [28, 28, 1], 3);
    expect(short).toEqual(shortRef);
    expect(report.plain).toBe(plainBefore + 1);
    await steps(12, 13);
    expect(report.replayed).toBe(5);
    expect(await replayed.values()).toEqual(await reference.values());
    replayed.dispose();
    reference.dispose();
  },
);

it('never replays a step that draws host data each time (the portable dropout), and says why', { timeout: 120_000 }, async (ctx) => {
  if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
  await tf.setBackend('webgpu');
  const t = await trainer(residualCnn(), 'sgd', true, true);
  const results: StepResult[] = [];
  for (let i = 0; i < 5; i++) {
    const { x, labels } = batch(i, 4, [32, 32, 3]);
    results.push(...(await readSteps(tf, [await t.step.run(x, labels, { norms: false })])));
    tf.dispose([x, labels]);
  }
  const report = (t.step as ReplayingStep).replay;
  expect(report.replayed).toBe(0);
  expect(Object.values(report.off)).toEqual([
    expect.stringMatching(/not the same from one run to the next \(host write \d+ of \d+ .* wrote different values\)/),
  ]);
  expect(results.every((r) => r.finite)).toBe(true);
  t.dispose();
});

it.for([
  ['reads a tensor back mid-step', /reads .* back to the host/],
  ['keeps a tensor it made', /1 tensor\(s\) made during the step outlive it/],
  ['makes its statistics on the host', /computes its statistics on the host/],
] as const)('refuses to record a step that %s', async ([what, reason], ctx) => {
  if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
  await tf.setBackend('webgpu');
  const live = recorderFor(tf.backend()).live;
  let kept: tf.Tensor | null = null;
  const step: TrainStep = {
    trackedLayers: [],
    guard: 'device',
    async run(x, labels) {
      if (what.startsWith('makes')) {
        tf.dispose(tf.mul(x, 2)); // some GPU work, then statistics from host numbers
        return { stats: tf.tensor1d([7, 0]), norms: false };
      }
      const stats = tf.tidy(() => tf.stack([tf.sum(x), tf.sum(labels.cast('float32'))]) as tf.Tensor1D);
      if (what.startsWith('reads')) await stats.data();
      else kept = tf.keep(tf.mul(x, 2));
      return { stats, norms: false };
    },
  };
  const optimizer = tf.train.sgd(0.1);
  const replay = replayingStep(step, optimizer);
  for (let i = 0; i < 4; i++) {
    const { x, labels } = batch(i, 4, [8]);
    const [r] = await readSteps(tf, [await replay.run(x, labels)]);
    expect(r!.loss).toBeCloseTo(what.startsWith('makes') ? 7 : (await x.sum().data())[0]!, 4);
    tf.dispose([x, labels, ...(kept ? [kept] : [])]);
  }
  expect(replay.replay.replayed).toBe(0);
  expect(Object.values(replay.replay.off)).toEqual([expect.stringMatching(reason)]);
  replay.dispose();
  expect(recorderFor(tf.backend()).live).toBe(live);
});

it('lets go of a recording without breaking replayed steps not yet submitted', async (ctx) => {
  if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
  await tf.setBackend('webgpu');
  // A few dispatches a step: replays wait for later work before they are submitted.
  const step: TrainStep = {
    trackedLayers: [],
    guard: 'device',
    run: async (x, labels) => ({
      stats: tf.tidy(() => tf.stack([tf.sum(x), tf.sum(labels.cast('float32'))]) as tf.Tensor1D),
      norms: false,
    }),
  };
  const optimizer = tf.train.sgd(0.1);
  const replay = replayingStep(step, optimizer);
  const pending: PendingStep[] = [];
  const sums: tf.Tensor[] = []; // read at the end: a read now would submit the waiting replay
  for (let i = 0; i < 6; i++) {
    // After the fourth step (the first replayed), a new learning rate drops the recording.
    if (i === 4) optimizer.setLearningRate(0.2);
    const { x, labels } = batch(i, 4, [8]);
    pending.push(await replay.run(x, labels));
    sums.push(x.sum());
    tf.dispose([x, labels]);
  }
  const results = await readSteps(tf, pending);
  expect(replay.replay.replayed).toBe(1);
  for (const [i, r] of results.entries()) expect(r.loss).toBeCloseTo((await sums[i]!.data())[0]!, 4);
  tf.dispose(sums);
  replay.dispose();
  optimizer.dispose();
});

// Last in this file: it turns lending off for good on this backend's recorder.
it('stops lending when a step writes from the host into a lent buffer, and every step still computes right (labels unread)', async (ctx) => {
  if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
  await tf.setBackend('webgpu');
  const live = recorderFor(tf.backend()).live;
  // Steps without norms make 64 KiB of scratch, which their recording lends; steps with norms
  // upload a 64 KiB host array each time, into a buffer the other recording may have lent.
  const step: TrainStep = {
    trackedLayers: [],
    guard: 'device',
    async run(x, _labels, options) {
      const norms = options?.norms !== false;
      const stats = tf.tidy(() => {
        const twice = tf.sum(tf.mul(x, 2));
        const offset = norms ? tf.sum(tf.add(x, tf.tensor(new Float32Array(x.size).fill(0.5), x.shape))) : tf.scalar(0);
        return tf.stack([twice, offset]) as tf.Tensor1D;
      });
      return { stats, norms };
    },
  };
  const optimizer = tf.train.sgd(0.1);
  const replay = replayingStep(step, optimizer);
  for (let i = 0; i < 12; i++) {
    const x = tf.randomNormal([4, 4096], 0, 1, 'float32', 200 + i); // 64 KiB
    const labels = tf.zeros([4], 'int32') as tf.Tensor1D;
    const norms = i % 2 === 1;
    const [r] = await readSteps(tf, [await replay.run(x, labels, { norms })]);
    const sum = (await x.sum().data())[0]!;
    expect(r!.loss).toBeCloseTo(2 * sum, 2);
    expect(r!.sums[0]).toBeCloseTo(norms ? sum + 0.5 * x.size : 0, 2);
    tf.dispose([x, labels]);
  }
  expect(replay.replay.off).toEqual({});
  expect(replay.replay.replayed).toBeGreaterThan(4); // both kinds, after the refused capture is recorded again
  expect(recorderFor(tf.backend()).lends).toBe(false);
  replay.dispose();
  optimizer.dispose();
  expect(recorderFor(tf.backend()).live).toBe(live);
});
