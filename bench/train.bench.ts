/**
 * `npm run bench:train`: training throughput through the real compiler and the trainer's own step
 * (the backend's acceleration included: on wasm, NetCanvas's kernels), on the best available backend
 * (or --backend NAME), against PyTorch on the same CPU with as many threads. Each case alternates
 * our steps and PyTorch's (A B A B …, --rounds times) and compares medians, so both see the same
 * load; then one epoch of the Fashion-MNIST CNN on the real Fashion-MNIST, ours then PyTorch's.
 * Both sides warm up for a second per case, and a turn is about half a second or more of steps (a
 * case's third field): with 24-step turns (0.3 s) at batch 64 our figure moved by up to 40% between
 * runs, as the first steps after the peer's turn (threads asleep, caches cold) weighed a tenth of it.
 *
 *   npm run bench:train                                  # every case, threads = cores
 *   npm run bench:train -- --threads 1                   # ours and PyTorch on one thread
 *   npm run bench:train -- --models lenet5:64 --no-epoch --rounds 5
 *   npm run bench:train -- --fashion DIR --limit 6000    # the epoch on a slice (default: all 60,000)
 *
 * Targets (issue #21): ≥ 1.0× PyTorch on LeNet-5 at batch 64 and the Fashion-MNIST CNN, ≥ 0.5× on
 * the residual CNN and the ResNet-20-style net at batch 128.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../engine/train/backends/select';
import { train } from '../engine/train/train';
import type { TrainerEvent } from '../engine/train/protocol';
import { MODELS, setupCase, type BenchModel } from './cpu/cases';
import { startTorchPeer, type TorchPeer } from './torch-peer';
import { fashionCnn } from './train_models';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
const threads = Number(arg('threads') ?? availableParallelism());
process.env.NETCANVAS_WASM_THREADS ??= String(threads);
const rounds = Number(arg('rounds') ?? 3);
const fashionDir = arg('fashion') ?? '/usr/share/datasets/fashion-mnist';
const epochLimit = arg('limit') != null ? Number(arg('limit')) : undefined;

/** A case: the model, its batch, and the steps in one timed round (a round is a few seconds). */
const DEFAULT_CASES = 'lenet5:64:60,lenet5:512:8,fashion:64:60,residual:128:2,resnet20:128:2';
/** Warm-up per case, each side: kernels compiled, buffers allocated, the JIT's tiers reached. */
const WARM_UP_MS = 1000;
const TARGETS: Record<BenchModel, number> = { lenet5: 1.0, fashion: 1.0, residual: 0.5, resnet20: 0.5 };
const LABELS: Record<BenchModel, string> = {
  lenet5: 'LeNet-5 28×28×1',
  fashion: 'Fashion CNN 28×28×1',
  residual: 'residual CNN 32×32×3',
  resnet20: 'ResNet-20-style 28×28×1',
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Row = [string, string, string, string, string];

function verdict(model: BenchModel, ratio: number | undefined): string {
  if (ratio === undefined) return '';
  return ratio >= TARGETS[model] ? `ok (target ≥ ${TARGETS[model]})` : `BELOW target ${TARGETS[model]}`;
}

/** Our steps and PyTorch's, alternating, `rounds` times: medians of samples/s. */
async function syntheticCase(model: BenchModel, batch: number, steps: number, torch: TorchPeer | null): Promise<Row> {
  const c = await setupCase(model, batch, 'adam');
  const ours: number[] = [];
  const theirs: number[] = [];
  try {
    const warm = performance.now();
    for (let i = 0; i < 2 || performance.now() - warm < WARM_UP_MS; i++) await c.run();
    for (let r = 0; r < rounds; r++) {
      const start = performance.now();
      for (let i = 0; i < steps; i++) await c.run(); // each step reads its loss, so it has finished
      ours.push((batch * steps * 1000) / (performance.now() - start));
      if (torch) theirs.push(await torch.steps(model, batch, steps));
    }
  } finally {
    c.dispose();
  }
  const reference = theirs.length > 0 ? median(theirs) : undefined;
  const ratio = reference ? median(ours) / reference : undefined;
  return [
    `${LABELS[model]}, batch ${batch}`,
    median(ours).toFixed(0),
    reference?.toFixed(0) ?? '—',
    ratio?.toFixed(2) ?? '—',
    verdict(model, ratio),
  ];
}

/** One epoch of the Fashion-MNIST CNN on the real data, batch 64, Adam: the trainer's own run, then PyTorch's. */
async function fashionEpoch(backend: string, torch: TorchPeer | null): Promise<Row> {
  const events: TrainerEvent[] = [];
  const graph = {
    ...fashionCnn(),
    training: { epochs: 1, batchSize: 64, optimizer: 'adam', learningRate: 0.001, validationSplit: 0, seed: 1 },
  };
  const last = await train(
    { type: 'start', runId: 'bench', graph, dataset: { source: fashionDir, ...(epochLimit ? { limit: epochLimit } : {}) }, backend },
    { onEvent: (e) => events.push(e) },
  );
  if (last.type !== 'done') throw new Error(`the Fashion-MNIST epoch failed: ${JSON.stringify(last)}`);
  const epoch = events.find((e): e is Extract<TrainerEvent, { type: 'epoch' }> => e.type === 'epoch')!;
  const started = events.find((e): e is Extract<TrainerEvent, { type: 'started' }> => e.type === 'started')!;
  const ours = started.dataset.trainCount / epoch.seconds;
  const oursAccuracy = last.metrics.testAccuracy ?? NaN;
  const peer = torch
    ? await torch.idxEpoch({ dir: fashionDir, model: 'fashion', batch: 64, seed: 1, ...(epochLimit ? { limit: epochLimit } : {}) })
    : null;
  const ratio = peer ? ours / peer.samples_per_second : undefined;
  const accuracy = `test accuracy ${(100 * oursAccuracy).toFixed(1)}%${peer ? ` vs ${(100 * peer.test_accuracy).toFixed(1)}%` : ''}`;
  return [
    `Fashion CNN, Fashion-MNIST ${started.dataset.trainCount} images, 1 epoch, batch 64`,
    ours.toFixed(0),
    peer?.samples_per_second.toFixed(0) ?? '—',
    ratio?.toFixed(2) ?? '—',
    `${verdict('fashion', ratio)}; ${accuracy}`,
  ];
}

async function main() {
  const choice = await selectBackend(arg('backend'));
  await tf.setBackend(choice.tfjsName);
  const peer = await startTorchPeer(threads);
  const torch = typeof peer === 'string' ? null : peer;
  console.log(
    `backend: ${choice.name} — ${choice.detail}; PyTorch with ${threads} thread${threads === 1 ? '' : 's'}; ${rounds} rounds, medians`,
  );
  if (typeof peer === 'string') console.log(peer);
  const header: Row = ['model', 'ours samples/s', 'PyTorch samples/s', 'ours/PyTorch', ''];
  const print = (r: Row) => console.log(r.map((cell, i) => cell.padEnd([44, 14, 17, 12, 0][i]!)).join('  '));
  print(header);
  try {
    for (const spec of (arg('models') ?? DEFAULT_CASES).split(',')) {
      const [model, batch, steps] = spec.split(':');
      if (!(model! in MODELS)) throw new Error(`unknown model '${model}' (one of ${Object.keys(MODELS).join(', ')})`);
      print(await syntheticCase(model as BenchModel, Number(batch ?? 64), Number(steps ?? 4), torch));
    }
    if (!process.argv.includes('--no-epoch')) {
      if (existsSync(fashionDir)) print(await fashionEpoch(choice.name, torch));
      else console.log(`Fashion-MNIST epoch skipped: ${fashionDir} not found (apt install dataset-fashion-mnist, or --fashion DIR)`);
    }
  } finally {
    torch?.close();
  }
}

await main();
