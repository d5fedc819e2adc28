/**
 * `npm run bench:train`: training throughput on synthetic data through the real compiler and the
 * real training step (engine/train/step.ts), on the best available backend (or --backend NAME),
 * then the same models in PyTorch on the same CPU when `/usr/bin/python3 -c 'import torch'` works.
 * Prints samples/s and ours/PyTorch. Timings on a shared machine are noisy: compare within one run.
 */
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { compileGraph } from '../engine/compile';
import { resolveTrainingConfig } from '../engine/graph/training';
import type { GraphDoc } from '../engine/graph/types';
import { selectBackend } from '../engine/train/backends/select';
import { buildOptimizer } from '../engine/train/config';
import { makeTrainStep } from '../engine/train/step';
import { lenet5, residualCnn } from './train_models';

interface Case {
  readonly label: string;
  readonly model: 'lenet5' | 'residual';
  readonly graph: () => GraphDoc;
  readonly shape: [number, number, number];
  readonly batch: number;
  readonly steps: number;
}

const CASES: Case[] = [
  { label: 'LeNet-5 28×28×1', model: 'lenet5', graph: lenet5, shape: [28, 28, 1], batch: 64, steps: 40 },
  { label: 'LeNet-5 28×28×1', model: 'lenet5', graph: lenet5, shape: [28, 28, 1], batch: 512, steps: 8 },
  { label: 'residual CNN 32×32×3', model: 'residual', graph: residualCnn, shape: [32, 32, 3], batch: 128, steps: 4 },
];
const TARGETS: Record<Case['model'], number> = { lenet5: 0.3, residual: 0.1 };

async function ours(c: Case): Promise<number> {
  const compiled = compileGraph(c.graph(), tf, { seed: 0 });
  const config = resolveTrainingConfig({ optimizer: 'adam', learningRate: 0.001 });
  if (!config.ok) throw new Error(config.error);
  const optimizer = buildOptimizer(tf, config.config);
  const step = makeTrainStep(tf, compiled, config.config, 10, optimizer);
  const x = tf.randomUniform([c.batch, ...c.shape], 0, 1, 'float32', 1);
  const labels = tf.tensor1d(
    Array.from({ length: c.batch }, (_, i) => i % 10),
    'int32',
  );
  for (let i = 0; i < 2; i++) await step.run(x, labels); // warm-up: kernels compiled, buffers allocated
  const start = performance.now();
  for (let i = 0; i < c.steps; i++) await step.run(x, labels); // each step reads its loss, so it has finished
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([x, labels]);
  compiled.model.dispose();
  optimizer.dispose();
  return (c.batch * c.steps) / seconds;
}

async function pytorch(threads: number): Promise<Map<string, number> | string> {
  const python = '/usr/bin/python3';
  try {
    await promisify(execFile)(python, ['-c', 'import torch']);
  } catch {
    return 'PyTorch not available (/usr/bin/python3 -c "import torch" failed; apt install python3-torch)';
  }
  const script = fileURLToPath(new URL('./train_torch.py', import.meta.url));
  const args = [script, String(threads), ...CASES.map((c) => `${c.model}:${c.batch}:${c.steps}`)];
  const { stdout } = await promisify(execFile)(python, args, { maxBuffer: 1 << 20 });
  const results = new Map<string, number>();
  for (const line of stdout.trim().split('\n')) {
    const r = JSON.parse(line) as { model: string; batch: number; samples_per_second: number };
    results.set(`${r.model}:${r.batch}`, r.samples_per_second);
  }
  return results;
}

async function main() {
  const backendFlag = process.argv.indexOf('--backend');
  const choice = await selectBackend(backendFlag > 0 ? process.argv[backendFlag + 1] : undefined);
  await tf.setBackend(choice.tfjsName);
  const threads = availableParallelism();
  console.log(`backend: ${choice.name} — ${choice.detail}; PyTorch with ${threads} threads`);
  const measured: { c: Case; ours: number }[] = [];
  for (const c of CASES) measured.push({ c, ours: await ours(c) });
  const torch = await pytorch(threads);
  if (typeof torch === 'string') console.log(torch);
  const rows = measured.map(({ c, ours: s }) => {
    const reference = typeof torch === 'string' ? undefined : torch.get(`${c.model}:${c.batch}`);
    const ratio = reference ? s / reference : undefined;
    const verdict =
      ratio === undefined ? '' : ratio >= TARGETS[c.model] ? `ok (target ≥ ${TARGETS[c.model]})` : `BELOW target ${TARGETS[c.model]}`;
    return [`${c.label}, batch ${c.batch}`, s.toFixed(0), reference?.toFixed(0) ?? '—', ratio?.toFixed(2) ?? '—', verdict];
  });
  const header = ['model', 'ours samples/s', 'PyTorch samples/s', 'ours/PyTorch', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows]) console.log(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
}

await main();
