/**
 * GPU benchmark, run on the device machine in one call (see bench/gpu/run-device.sh):
 *   1. registers WebGPU (Dawn) and checks our kernels against the cpu backend,
 *   2. trains LeNet-5 (batch 64, 512) and the residual CNN (batch 128) on synthetic data through
 *      the trainer's own path — the real compiler, `accelerationFor('webgpu')` (fused batchnorm,
 *      dropout and optimizers, device-guarded steps read every N, recorded steps replayed),
 *      `makeTrainStep` — with SGD momentum and Adam, printing samples/s and the ratio to PyTorch
 *      (peer.py's JSON); and two cases again without replay, to show what it gains,
 *   3. profiles one residual-CNN step (batch 128) and one LeNet-5 step (batch 64 and 512): kernel count, top kernels by GPU time,
 *   4. trains LeNet-5 on the embedded MNIST through `train()` itself, as the app and CLI do (batch
 *      gather on the GPU, progress events, validation): the samples/s a student sees.
 *
 *   node .device/bench.mjs [--peer peer.json] [--out results.json] [--skip-checks] [--quick] [--software] [--repeat N] [--batch N] [--steps N] [--only key,…]
 * (`--software`: Mesa's llvmpipe through Dawn's OpenGL ES compatibility mode, to rehearse the whole
 * script on a CPU machine — numbers meaningless; `--quick`: a few steps per case; `--repeat N`: every
 * case N times over, interleaved, to show how much a figure moves between rounds; `--batch N` and
 * `--steps N` override every case's, which lets the software adapter measure host time per step
 * with replay on and off — the host's work does not depend on the batch size — and then the
 * end-to-end run is the quick one too; `--only lenet_b64,…`: just those cases' throughput, `train` the end-to-end run; `--null`: Dawn's null
 * adapter, which computes nothing, so the figures are the host's ceiling: what a step costs to issue.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { GraphDoc } from '../../engine/graph/types';
import { accelerationFor, type Acceleration } from '../../engine/train/acceleration';
import { buildOptimizer } from '../../engine/train/config';
import { readSteps } from '../../engine/train/step';
import { watchFaults } from '../../engine/train/webgpu/device/faults';
import { registerFastKernels, restoreStockKernels } from '../../engine/train/webgpu/kernels';
import { registerWebGPUBackend } from '../../engine/train/webgpu/device/register';
import { train } from '../../engine/train/train';
import type { TrainerEvent } from '../../engine/train/protocol';
import { verifyWebGPUKernels } from '../../test/engine/train/webgpu/kernels/verify';
import type { ReplayingStep } from '../../engine/train/webgpu/replay/replay-step';
import { lenet5, residualCnn } from '../train_models';
import { ADAM, SGD, runSteps, syntheticBatch, trainer, type Trainer } from './steps';
import { arg } from './args';

interface Case {
  key: string;
  label: string;
  graph: () => GraphDoc;
  shape: number[];
  batch: number;
  steps: number;
  /** tfjs-webgpu's kernels, tfjs-ops batchnorm and tfjs's optimizer: what we started from. */
  stock?: boolean;
  /** Adam (the templates' default) instead of SGD with momentum. */
  adam?: boolean;
  /** Every step through tfjs (no recorded step replayed): what replay gains. */
  noReplay?: boolean;
}

const quick = process.argv.includes('--quick');
const batchOverride = arg('--batch') != null ? Number(arg('--batch')) : undefined;
const stepsOverride = arg('--steps') != null ? Number(arg('--steps')) : undefined;
/** `--only lenet_b64,resnet_b128`: just these cases (their keys below). */
const only = arg('--only')?.split(',');

const CASES: Case[] = [
  { key: 'lenet_b64', label: 'LeNet-5 batch 64', graph: lenet5, shape: [28, 28, 1], batch: 64, steps: 160 },
  { key: 'lenet_b512', label: 'LeNet-5 batch 512', graph: lenet5, shape: [28, 28, 1], batch: 512, steps: 64 },
  { key: 'resnet_b128', label: 'residual CNN batch 128', graph: residualCnn, shape: [32, 32, 3], batch: 128, steps: 64 },
  { key: 'lenet_b64_adam', label: 'LeNet-5 batch 64, Adam', graph: lenet5, shape: [28, 28, 1], batch: 64, steps: 160, adam: true },
  {
    key: 'resnet_b128_adam',
    label: 'residual CNN batch 128, Adam',
    graph: residualCnn,
    shape: [32, 32, 3],
    batch: 128,
    steps: 64,
    adam: true,
  },
  {
    key: 'lenet_b64_noreplay',
    label: 'LeNet-5 batch 64, without replay',
    graph: lenet5,
    shape: [28, 28, 1],
    batch: 64,
    steps: 160,
    noReplay: true,
  },
  {
    key: 'resnet_b128_noreplay',
    label: 'residual CNN batch 128, without replay',
    graph: residualCnn,
    shape: [32, 32, 3],
    batch: 128,
    steps: 64,
    noReplay: true,
  },
  {
    key: 'resnet_b128_stock',
    label: 'residual CNN batch 128, stock tfjs-webgpu (baseline)',
    graph: residualCnn,
    shape: [32, 32, 3],
    batch: 128,
    steps: 8,
    stock: true,
  },
];

const STOCK: Acceleration = {
  compile: {},
  buildOptimizer,
  guard: 'device',
  readEvery: 8,
  dataOnDevice: true,
  deviceBufferBytes: Infinity,
  wrapStep: (step) => step,
  deviceFault: () => null,
  retireDevice() {},
};

/** Host time inside queue.submit while a step is issued: on the software adapter, the GPU's work. */
let submitMs = 0;
let issuing = false;
function timeSubmits(): void {
  const submit = GPUQueue.prototype.submit;
  GPUQueue.prototype.submit = function (this: GPUQueue, ...args: Parameters<GPUQueue['submit']>) {
    const t = performance.now();
    submit.apply(this, args);
    if (issuing) submitMs += performance.now() - t;
  };
}

async function measure(t: Trainer, x: tf.Tensor, labels: tf.Tensor1D, steps: number) {
  const step = t.step;
  const timed: Trainer = {
    ...t,
    step: {
      ...step,
      run: async (...args) => {
        issuing = true;
        try {
          return await step.run(...args);
        } finally {
          issuing = false;
        }
      },
    },
  };
  // Warm-up: pipelines compiled, buffers allocated, and both kinds of step (with and without the
  // gradient norms read every `readEvery` steps) recorded twice, so what follows is replayed.
  await runSteps(timed, x, labels, quick ? Math.min(3, steps) : 3 * t.readEvery + 2);
  const start = performance.now();
  submitMs = 0;
  const { lastLoss, issueMs } = await runSteps(timed, x, labels, steps);
  const seconds = (performance.now() - start) / 1000;
  return {
    samplesPerSecond: (steps * x.shape[0]!) / seconds,
    msPerStep: (seconds * 1000) / steps,
    issueMsPerStep: issueMs / steps,
    /** Issue time outside queue.submit: JS, tfjs and the Dawn calls that encode. */
    encodeMsPerStep: (issueMs - submitMs) / steps,
    finalLoss: lastLoss,
  };
}

/** Steps replayed / recorded / run through tfjs only, and why a kind of step was not replayed. */
function replaySummary(t: Trainer): string {
  const report = (t.step as Partial<ReplayingStep>).replay;
  if (report == null) return 'off';
  const off = Object.entries(report.off)
    .map(([kind, why]) => ` [${kind}: ${why}]`)
    .join('');
  const dispatches = Object.values(report.dispatches);
  return `${report.replayed}/${report.recorded}/${report.plain}${dispatches.length > 0 ? ` (${dispatches.join(', ')} dispatches)` : ''}${off}`;
}

async function profileStep(t: Trainer, x: tf.Tensor, labels: tf.Tensor1D) {
  await readSteps(tf, [await t.step.run(x, labels)]);
  const start = performance.now();
  const info = await tf.profile(async () => {
    await readSteps(tf, [await t.step.run(x, labels)]);
  });
  const wallMs = performance.now() - start;
  const byName = new Map<string, { ms: number; count: number }>();
  let totalMs = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    totalMs += ms;
    const entry = byName.get(k.name) ?? { ms: 0, count: 0 };
    entry.ms += ms;
    entry.count += 1;
    byName.set(k.name, entry);
  }
  const top = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
  return {
    kernelCount: info.kernels.length,
    gpuMs: totalMs,
    profiledWallMs: wallMs,
    top: top.map(([name, e]) => ({ name, ms: +e.ms.toFixed(3), count: e.count })),
  };
}

/**
 * What one launch costs on the host, on tiny tensors where GPU work is nil: a chain of tfjs adds
 * (engine bookkeeping + tfjs-webgpu's uniforms and bind groups + Dawn's binding), read once at the end.
 */
async function launchOverhead() {
  const n = quick ? 50 : 2000;
  // 4096 elements: over tfjs-webgpu's CPU hand-off (1000), under which it adds on the host instead.
  const a = tf.ones([4096]);
  const chain = async () => {
    let y = a.clone();
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const next = tf.add(y, a);
      y.dispose();
      y = next;
    }
    const issued = performance.now() - start;
    await y.data();
    y.dispose();
    return {
      issuedUsPerLaunch: +((issued * 1000) / n).toFixed(1),
      wallUsPerLaunch: +(((performance.now() - start) * 1000) / n).toFixed(1),
    };
  };
  await chain(); // warm-up
  const add = await chain();
  a.dispose();
  return { launches: n, ...add };
}

/** LeNet-5, batch 64, SGD momentum, on the repository's embedded MNIST through the trainer itself. */
async function endToEnd(torch: number | undefined) {
  const small = quick || batchOverride != null || stepsOverride != null;
  const epochs: Extract<TrainerEvent, { type: 'epoch' }>[] = [];
  const last = await train(
    {
      type: 'start',
      runId: 'bench',
      graph: lenet5(),
      dataset: { source: 'embedded:mnist', ...(small ? { limit: 512, testLimit: 128 } : {}) },
      config: { epochs: small ? 1 : 3, batchSize: 64, optimizer: 'sgd', learningRate: 0.01, momentum: 0.9 },
      backend: 'webgpu',
    },
    { onEvent: (e) => void (e.type === 'epoch' && epochs.push(e)) },
  );
  if (last.type === 'error') {
    console.log(`trainer: ${last.message}`);
    return { error: last.message };
  }
  // The first epoch compiles the pipelines; the last is the steady state.
  const e = epochs.at(-1)!;
  const row = {
    model: 'LeNet-5 batch 64, train() on embedded MNIST',
    backend: `${e.backend} (${e.device ?? '?'})`,
    epochs: epochs.map((x) => Math.round(x.samplesPerSecond)),
    samplesPerSecond: Math.round(e.samplesPerSecond),
    pytorch: torch ? Math.round(torch) : null,
    ratio: torch ? +(e.samplesPerSecond / torch).toFixed(3) : null,
    testAccuracy: last.metrics.testAccuracy,
  };
  console.log(`trainer end to end: ${JSON.stringify(row)}`);
  return row;
}

async function main(): Promise<void> {
  const software = process.argv.includes('--software');
  const nullAdapter = process.argv.includes('--null');
  // Dawn rounds timestamps down to 65.5 µs unless told not to (a browser's guard against timing
  // attacks), which leaves most kernels of a profile at 0 and a few at 65.5 µs.
  const registration = await registerWebGPUBackend({
    software,
    dawnFlags: [...(software ? ['backend=opengles'] : nullAdapter ? ['backend=null'] : []), 'disable-dawn-features=timestamp_quantization'],
  });
  if (!registration.ok) {
    console.log(`WebGPU unavailable: ${registration.reason}`);
    process.exitCode = 2;
    return;
  }
  await tf.setBackend('webgpu');
  timeSubmits(); // Dawn's globals exist from registration on
  console.log(`WebGPU adapter: ${registration.adapterName}`);
  const results: Record<string, unknown> = { adapter: registration.adapterName };

  if (!process.argv.includes('--skip-checks')) {
    const t0 = performance.now();
    const checks = await verifyWebGPUKernels();
    console.table(checks);
    console.log(
      `kernel checks: ${checks.filter((c) => c.pass).length}/${checks.length} pass (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    results.checks = checks;
  }

  const accelerated = await accelerationFor('webgpu');
  const peerFile = arg('--peer');
  const peer = peerFile ? (JSON.parse(readFileSync(peerFile, 'utf8')) as Record<string, { samplesPerSecond: number }>) : {};
  const rows: Record<string, unknown>[] = [];
  const repeat = Math.max(1, Number(arg('--repeat') ?? 1));
  for (const [round, c] of Array.from({ length: repeat }, (_, r) =>
    CASES.filter((c) => only?.includes(c.key) ?? true).map((c) => [r + 1, c] as const),
  ).flat()) {
    if (c.stock) restoreStockKernels();
    else registerFastKernels();
    // A GPU fault (out of memory…) leaves a case timing dropped commands: its row says so.
    const faults = watchFaults();
    const t = trainer(
      c.graph(),
      c.stock ? STOCK : c.noReplay ? { ...accelerated, wrapStep: (step) => step } : accelerated,
      c.adam ? ADAM : SGD,
    );
    const { x, labels } = syntheticBatch(c.shape, batchOverride ?? c.batch);
    const r = await measure(t, x, labels, stepsOverride ?? (quick ? 2 : c.steps));
    const fault = faults.fault();
    const torch = peer[c.key.replace(/_(stock|noreplay)$/, '')]?.samplesPerSecond;
    const row = {
      model: c.label,
      ...(batchOverride != null ? { batch: batchOverride } : {}),
      ...(repeat > 1 ? { round } : {}),
      samplesPerSecond: Math.round(r.samplesPerSecond),
      msPerStep: +r.msPerStep.toFixed(2),
      issueMsPerStep: +r.issueMsPerStep.toFixed(2),
      encodeMsPerStep: +r.encodeMsPerStep.toFixed(2),
      replay: replaySummary(t),
      pytorch: torch ? Math.round(torch) : null,
      ratio: torch ? +(r.samplesPerSecond / torch).toFixed(3) : null,
      loss: +r.finalLoss.toFixed(4),
      ...(fault ? { fault: `GPU FAULT, figures void: ${fault.kind}: ${fault.message}` } : {}),
    };
    console.log(JSON.stringify(row));
    rows.push(row);
    tf.dispose([x, labels]);
    t.dispose();
  }
  registerFastKernels();
  console.table(rows);
  results.throughput = rows;
  if (only == null) await extras(results, accelerated, peer);
  else if (only.includes('train')) results.trainer = await endToEnd(peer['lenet_b64']?.samplesPerSecond);
  const out = arg('--out');
  if (out) writeFileSync(out, JSON.stringify(results, null, 2));
}

/** Launch overhead, the profile of one step of each model, and the trainer end to end. */
async function extras(
  results: Record<string, unknown>,
  accelerated: Acceleration,
  peer: Record<string, { samplesPerSecond: number }>,
): Promise<void> {
  results.launchOverhead = await launchOverhead();
  console.log('launch overhead:', JSON.stringify(results.launchOverhead));

  const profiles: Record<string, unknown> = {};
  for (const [key, label, graph, shape, batch] of [
    ['resnet_b128', 'residual-CNN', residualCnn, [32, 32, 3], 128],
    ['lenet_b64', 'LeNet-5', lenet5, [28, 28, 1], 64],
    ['lenet_b512', 'LeNet-5', lenet5, [28, 28, 1], 512],
  ] as const) {
    const t = trainer(graph(), accelerated);
    const { x, labels } = syntheticBatch([...shape], batchOverride ?? batch);
    const profile = await profileStep(t, x, labels);
    console.log(
      `profile, one ${label} step at batch ${batchOverride ?? batch}: ${profile.kernelCount} kernels, ${profile.gpuMs.toFixed(2)} ms GPU, ${profile.profiledWallMs.toFixed(1)} ms wall (profiling on)`,
    );
    console.table(profile.top);
    profiles[key] = profile;
    t.dispose();
    tf.dispose([x, labels]);
  }
  results.profile = profiles.resnet_b128;
  results.profiles = profiles;

  results.trainer = await endToEnd(peer['lenet_b64']?.samplesPerSecond);
}

main().then(
  () => process.exit(),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
