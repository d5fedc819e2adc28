/**
 * Whole runs through the trainer on wasm with NetCanvas's kernels (fused batch norm with its moving
 * statistics, in-place optimizers, cross-entropy, zero-copy Identity, threaded kernels) against the
 * same runs on tfjs's pure-JS `cpu` backend: the loss curves, the test accuracy (which reads the
 * moving statistics) and the gradient norms must agree.
 */
import { describe, expect, it } from 'vitest';
import type { GraphDoc } from '../../../engine/graph/types';
import { setWinogradMode, winogradCalls } from '../../../engine/train/backends/wasm-native/winograd';
import { train } from '../../../engine/train/train';
import { collect, tinyCnn } from '../train/fixtures';

const data = { source: 'embedded:mnist', limit: 320, testLimit: 200 };

/**
 * A residual block of 3×3 'same' convs with 8 channels (our Winograd conv's forward, input and filter
 * gradients, one with a bias: FusedConv2D) after a 1-channel stem. The run forces Winograd wherever
 * it applies (by default only from 16 channels, 32 for the filter gradient: too slow on cpu here).
 */
function tinyResidual(training: Record<string, unknown> = {}): GraphDoc {
  const conv = (id: string, useBias = false) => ({ id, type: 'conv2d', params: { filters: 8, kernelSize: 3, padding: 'same', useBias } });
  const nodes = [
    { id: 'in', type: 'input', params: { shape: [28, 28, 1] } },
    { id: 'pool0', type: 'maxPool2d', params: { poolSize: 4 } },
    conv('stem'),
    { id: 'bn0', type: 'batchNorm', params: { momentum: 0.9 } },
    { id: 'r0', type: 'relu', params: {} },
    conv('c1', true),
    { id: 'r1', type: 'relu', params: {} },
    conv('c2'),
    { id: 'bn2', type: 'batchNorm', params: { momentum: 0.9 } },
    { id: 'add', type: 'add', params: {} },
    { id: 'r2', type: 'relu', params: {} },
    { id: 'gap', type: 'globalAvgPool2d', params: {} },
    { id: 'out', type: 'dense', params: { units: 10 } },
  ];
  const edges = nodes.slice(1).map((n, i) => ({ source: nodes[i]!.id, target: n.id, ...(n.id === 'add' ? { targetPort: 0 } : {}) }));
  edges.push({ source: 'r0', target: 'add', targetPort: 1 });
  return {
    format: 'netcanvas.graph',
    version: 1,
    name: 'tiny residual',
    nodes,
    edges,
    training: { epochs: 2, batchSize: 32, ...training },
  };
}

async function run(backend: string, training: Record<string, unknown>, graph = tinyCnn) {
  const c = collect();
  const last = await train(
    { type: 'start', runId: backend, graph: graph({ seed: 3, ...training }), dataset: data, backend },
    { onEvent: c.onEvent },
  );
  expect(last.type, JSON.stringify(last)).toBe('done');
  expect(c.of('started')[0]!.backend.name).toBe(backend);
  const epochs = c.of('epoch');
  const done = c.of('done')[0]!;
  return {
    detail: c.of('started')[0]!.backend,
    losses: epochs.flatMap((e) => [e.trainLoss, e.validationLoss ?? NaN]),
    norms: epochs.flatMap((e) => Object.values(e.gradientNorms)),
    accuracy: done.metrics.testAccuracy ?? NaN,
  };
}

const close = (a: number[], b: number[], tol: number) => a.every((x, i) => Math.abs(x - b[i]!) <= tol * Math.max(1, Math.abs(b[i]!)));

describe('training on wasm with NetCanvas kernels matches cpu', () => {
  for (const training of [
    { optimizer: 'adam', learningRate: 0.01 },
    { optimizer: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true },
  ]) {
    it(`tiny CNN with batch norm and dropout, ${JSON.stringify(training)}`, async () => {
      const cpu = await run('cpu', training);
      const wasm = await run('wasm', training);
      expect(JSON.stringify(wasm.detail)).toMatch(/NetCanvas kernels on \d thread/);
      expect(close(wasm.losses, cpu.losses, 2e-3), `losses wasm ${wasm.losses} cpu ${cpu.losses}`).toBe(true);
      expect(close(wasm.norms, cpu.norms, 1e-2), `norms wasm ${wasm.norms} cpu ${cpu.norms}`).toBe(true);
      expect(Math.abs(wasm.accuracy - cpu.accuracy)).toBeLessThanOrEqual(0.01);
    });
  }
  it('a residual block of 3×3 convs (Winograd forward, input and filter gradients)', async () => {
    const training = { optimizer: 'sgd', learningRate: 0.05, momentum: 0.9 };
    const cpu = await run('cpu', training, tinyResidual);
    const before = winogradCalls();
    setWinogradMode('on');
    const wasm = await run('wasm', training, tinyResidual).finally(() => setWinogradMode('auto'));
    expect(winogradCalls() - before, 'convolutions our Winograd kernel ran').toBeGreaterThan(0);
    expect(close(wasm.losses, cpu.losses, 2e-3), `losses wasm ${wasm.losses} cpu ${cpu.losses}`).toBe(true);
    expect(close(wasm.norms, cpu.norms, 1e-2), `norms wasm ${wasm.norms} cpu ${cpu.norms}`).toBe(true);
    expect(Math.abs(wasm.accuracy - cpu.accuracy)).toBeLessThanOrEqual(0.01);
  }, 120_000); // the cpu run, on a loaded machine
});
