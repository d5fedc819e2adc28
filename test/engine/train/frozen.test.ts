/**
 * Frozen nodes (`trainable: false`, and hand-set conv kernels, frozen by default) keep their
 * weights bit for bit through training on every backend — cpu, wasm and WebGPU (Mesa's software
 * adapter: fused optimizers, fused batch norm, recorded and replayed steps) — while the rest of the
 * net learns; the optimizer keeps no state for them; a frozen batch norm keeps its statistics.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/compile';
import { nodeWeights } from '../../../engine/compile/weights';
import { resolveTrainingConfig } from '../../../engine/graph/training';
import type { GraphDoc } from '../../../engine/graph/types';
import { selectBackend } from '../../../engine/train/backends/select';
import { captureWeights, readCheckpoint } from '../../../engine/train/checkpoint';
import { makeTrainStep, readSteps } from '../../../engine/train/step';
import { train } from '../../../engine/train/train';
import { registerWebGPUBackend } from '../../../engine/train/webgpu/device/register';
import { FusedAdamOptimizer } from '../../../engine/train/webgpu/fused/adam';
import { FusedMomentumOptimizer } from '../../../engine/train/webgpu/fused/momentum';
import { collect, steppingClock } from './fixtures';

const webgpu = await registerWebGPUBackend({ software: true });
const dir = mkdtempSync(join(tmpdir(), 'netcanvas-frozen-'));
const data = { source: 'embedded:mnist', limit: 160, testLimit: 32 };

/** A hand-set blur (frozen by default), a frozen conv and batch norm, then layers that learn. */
function frozenCnn(training: Record<string, unknown>): GraphDoc {
  const nodes = [
    { id: 'in', type: 'input', params: { shape: [28, 28, 1] } },
    { id: 'blur', type: 'conv2d', params: { filters: 1, kernelSize: 3, kernel: 'gaussian', padding: 'same' } },
    { id: 'c1', type: 'conv2d', params: { filters: 4, kernelSize: 5, strides: 2 }, trainable: false },
    { id: 'bn', type: 'batchNorm', params: { momentum: 0.5 }, trainable: false },
    { id: 'r1', type: 'relu', params: {} },
    { id: 'c2', type: 'conv2d', params: { filters: 4, kernelSize: 3 } },
    { id: 'p1', type: 'maxPool2d', params: { poolSize: 2 } },
    { id: 'flat', type: 'flatten', params: {} },
    { id: 'drop', type: 'dropout', params: { rate: 0.25 } },
    { id: 'out', type: 'dense', params: { units: 10 } },
  ];
  const edges = nodes.slice(1).map((n, i) => ({ source: nodes[i]!.id, target: n.id }));
  return { format: 'netcanvas.graph', version: 1, name: 'frozen CNN', nodes, edges, training: { epochs: 1, batchSize: 32, ...training } };
}
const FROZEN = ['blur', 'c1', 'bn'];
const LEARNS = ['c2', 'out'];

const backends = [
  { name: 'cpu', skip: false as const },
  { name: 'wasm', skip: false as const },
  { name: 'webgpu', skip: webgpu.ok ? (false as const) : `no software WebGPU adapter: ${webgpu.reason}` },
];
const optimizers = [
  { optimizer: 'sgd', learningRate: 0.05, momentum: 0.9 },
  { optimizer: 'adam', learningRate: 0.003 },
];

describe.each(backends)('frozen nodes on $name', ({ name, skip }) => {
  it.skipIf(skip).each(optimizers)('keep their weights bit for bit ($optimizer), the rest learns', { timeout: 300_000 }, async (opt) => {
    const graph = frozenCnn({ ...opt, seed: 4 });
    const choice = await selectBackend(name);
    await tf.setBackend(choice.tfjsName);
    const fresh = compileGraph(graph, tf, { seed: 4 });
    const before = await captureWeights(fresh);
    fresh.model.dispose();
    const checkpointPath = join(dir, `${name}-${opt.optimizer}.weights.json`);
    const c = collect();
    const last = await train(
      { type: 'start', runId: name, graph, dataset: data, backend: name, checkpointPath },
      { onEvent: c.onEvent, clock: steppingClock() },
    );
    expect(last.type, JSON.stringify(last)).toBe('done');
    expect(c.of('started')[0]!.backend.name).toBe(name);
    const after = (await readCheckpoint(checkpointPath)).layers;
    for (const id of FROZEN) expect(after[id], id).toEqual(before[id]);
    for (const id of LEARNS)
      expect(after[id]!.find((w) => w.name === 'kernel')!.data, id).not.toBe(before[id]!.find((w) => w.name === 'kernel')!.data);
    // The hand-set blur is the 3×3 Gaussian of σ = 1, as compiled.
    const blur = Buffer.from(after.blur!.find((w) => w.name === 'kernel')!.data, 'base64');
    expect(new Float32Array(blur.buffer, blur.byteOffset, 9)[4]).toBeCloseTo(1 / (1 + 4 * Math.exp(-0.5) + 4 * Math.exp(-1)), 6);
    // No gradient norms for what does not learn.
    expect(Object.keys(c.of('epoch')[0]!.gradientNorms).sort()).toEqual(LEARNS);
  });

  it.skipIf(skip)('get no optimizer slots (Adam and momentum, fused on WebGPU)', async () => {
    const choice = await selectBackend(name);
    await tf.setBackend(choice.tfjsName);
    const graph = frozenCnn({});
    const compiled = compileGraph(graph, tf, { seed: 1 });
    const variables = (id: string) =>
      nodeWeights(compiled)
        .get(id)!
        .map((w) => (w.variable.read() as tf.Variable).name);
    const resolved = resolveTrainingConfig(graph.training);
    if (!resolved.ok) throw new Error(resolved.error);
    const x = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 2);
    const labels = tf.tensor1d([1, 2, 3, 4], 'int32');
    const gpu = name === 'webgpu';
    // Adam: m and v per learned variable (c2 and out: kernel and bias each); momentum: one each.
    for (const [optimizer, perVariable] of [
      [gpu ? new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7) : tf.train.adam(0.01), 2],
      [gpu ? new FusedMomentumOptimizer(0.01, 0.9) : tf.train.momentum(0.01, 0.9), 1],
    ] as const) {
      // WebGPU trains with the device guard (the host guard's gradient norms read synchronously, which WebGPU cannot in Node).
      const step = makeTrainStep(tf, compiled, resolved.config, 10, optimizer, gpu ? 'device' : 'host');
      await readSteps(tf, [await step.run(x, labels)]);
      const slots = (await optimizer.getWeights()).map((w) => w.name).filter((n) => n !== 'iter');
      const owner = (ids: string[]) => (slot: string) => ids.some((id) => variables(id).some((v) => slot.startsWith(`${v}/`)));
      expect(slots.filter(owner(LEARNS)).length, slots.join()).toBe(4 * perVariable);
      expect(slots.filter(owner(FROZEN)), slots.join()).toEqual([]);
      optimizer.dispose();
    }
    tf.dispose([x, labels]);
    compiled.model.dispose();
  });
});
