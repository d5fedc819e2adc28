/**
 * Whole runs through the trainer on wasm with NetCanvas's kernels (fused batch norm with its moving
 * statistics, in-place optimizers, cross-entropy, zero-copy Identity, threaded kernels) against the
 * same runs on tfjs's pure-JS `cpu` backend: the loss curves, the test accuracy (which reads the
 * moving statistics) and the gradient norms must agree.
 */
import { describe, expect, it } from 'vitest';
import { train } from '../../../engine/train/train';
import { collect, tinyCnn } from '../train/fixtures';

const data = { source: 'embedded:mnist', limit: 320, testLimit: 200 };

async function run(backend: string, training: Record<string, unknown>) {
  const c = collect();
  const last = await train(
    { type: 'start', runId: backend, graph: tinyCnn({ seed: 3, ...training }), dataset: data, backend },
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
});
