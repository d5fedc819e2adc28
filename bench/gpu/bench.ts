/**
 * GPU benchmark, run on the device machine in one call (see bench/gpu/run-device.sh):
 *   1. registers WebGPU (Dawn) and checks our kernels against the cpu backend,
 *   2. trains LeNet-5 (batch 64, 512) and the residual CNN (batch 128) on synthetic data with
 *      SGD momentum + cross-entropy, printing samples/s and the ratio to PyTorch (peer.py's JSON),
 *   3. profiles one residual-CNN step (kernel count, top kernels by GPU time).
 *
 *   node .device/bench.mjs [--peer peer.json] [--out results.json] [--skip-checks] [--dawn-flags backend=null]
 * (`backend=null`: Dawn's null adapter, to rehearse the whole script on a CPU machine; numbers meaningless.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { registerFastKernels, restoreStockKernels } from '../../engine/train/webgpu/kernels';
import { FusedMomentumOptimizer } from '../../engine/train/webgpu/momentum';
import { registerWebGPUBackend } from '../../engine/train/webgpu/register';
import { verifyWebGPUKernels } from '../../engine/train/webgpu/verify';
import { lenet5, residualCnn, type BatchNormKind } from './models';
import { makeStep, measure, syntheticBatch } from './train-loop';

interface Case {
  key: string;
  label: string;
  build: () => tf.LayersModel;
  shape: number[];
  batch: number;
  steps: number;
  stockKernels?: boolean;
  /** Fused momentum update (2 launches per variable) or tfjs's (4). */
  optimizer: 'fused' | 'stock';
  /** tfjs-webgpu's WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE (dispatches per queue submit, default 15). */
  submitBatch?: number;
}

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const residual = (kind: BatchNormKind) => () => residualCnn(kind);
const CASES: Case[] = [
  { key: 'lenet_b64', label: 'LeNet-5 batch 64', build: lenet5, shape: [28, 28, 1], batch: 64, steps: 150, optimizer: 'fused' },
  { key: 'lenet_b512', label: 'LeNet-5 batch 512', build: lenet5, shape: [28, 28, 1], batch: 512, steps: 60, optimizer: 'fused' },
  { key: 'resnet_b128', label: 'residual CNN b128: filter-grad + fused BN + fused momentum', build: residual('fused'), shape: [32, 32, 3], batch: 128, steps: 60, optimizer: 'fused' },
  { key: 'resnet_b128_submit64', label: 'residual CNN b128: same, 64 dispatches per submit', build: residual('fused'), shape: [32, 32, 3], batch: 128, steps: 60, optimizer: 'fused', submitBatch: 64 },
  { key: 'resnet_b128_stockopt', label: 'residual CNN b128: filter-grad + fused BN, tfjs momentum', build: residual('fused'), shape: [32, 32, 3], batch: 128, steps: 40, optimizer: 'stock' },
  { key: 'resnet_b128_stock', label: 'residual CNN b128: all stock tfjs-webgpu (baseline)', build: residual('stock'), shape: [32, 32, 3], batch: 128, steps: 4, stockKernels: true, optimizer: 'stock' },
];

async function profileStep(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor) {
  const step = makeStep(model, new FusedMomentumOptimizer(0.01, 0.9));
  const warm = step(x, y);
  await warm.data();
  warm.dispose();
  const start = performance.now();
  const info = await tf.profile(async () => {
    const loss = step(x, y);
    await loss.data();
    loss.dispose();
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
  return { kernelCount: info.kernels.length, gpuMs: totalMs, profiledWallMs: wallMs, top: top.map(([name, e]) => ({ name, ms: +e.ms.toFixed(3), count: e.count })) };
}

async function main(): Promise<void> {
  const flags = arg('--dawn-flags');
  const registration = await registerWebGPUBackend(flags ? { dawnFlags: flags.split(',') } : {});
  if (!registration.ok) {
    console.log(`WebGPU unavailable: ${registration.reason}`);
    process.exitCode = 2;
    return;
  }
  await tf.setBackend('webgpu');
  console.log(`WebGPU adapter: ${registration.adapterName}`);
  const results: Record<string, unknown> = { adapter: registration.adapterName };

  if (!process.argv.includes('--skip-checks')) {
    const t0 = performance.now();
    const checks = await verifyWebGPUKernels();
    console.table(checks);
    console.log(`kernel checks: ${checks.filter((c) => c.pass).length}/${checks.length} pass (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    results.checks = checks;
  }

  const peerFile = arg('--peer');
  const peer = peerFile ? (JSON.parse(readFileSync(peerFile, 'utf8')) as Record<string, { samplesPerSecond: number }>) : {};
  const rows: Record<string, unknown>[] = [];
  for (const c of CASES) {
    if (c.stockKernels) restoreStockKernels();
    else registerFastKernels();
    const model = c.build();
    const { x, y } = syntheticBatch(c.shape, c.batch);
    const optimizer = c.optimizer === 'fused' ? new FusedMomentumOptimizer(0.01, 0.9) : tf.train.momentum(0.01, 0.9);
    tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', c.submitBatch ?? 15);
    const r = await measure(makeStep(model, optimizer), x, y, 3, c.steps);
    tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 15);
    const torch = peer[c.key.replace(/_(stock|submit).*$/, '')]?.samplesPerSecond;
    const row = { model: c.label, samplesPerSecond: Math.round(r.samplesPerSecond), msPerStep: +r.msPerStep.toFixed(2), pytorch: torch ? Math.round(torch) : null, ratio: torch ? +(r.samplesPerSecond / torch).toFixed(3) : null, loss: +r.finalLoss.toFixed(4) };
    console.log(JSON.stringify(row));
    rows.push(row);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  }
  registerFastKernels();
  console.table(rows);
  results.throughput = rows;

  const { x, y } = syntheticBatch([32, 32, 3], 128);
  const profile = await profileStep(residualCnn('fused'), x, y);
  console.log(`profile, one residual-CNN step at batch 128: ${profile.kernelCount} kernels, ${profile.gpuMs.toFixed(2)} ms GPU, ${profile.profiledWallMs.toFixed(1)} ms wall (profiling on)`);
  console.table(profile.top);
  results.profile = profile;
  const out = arg('--out');
  if (out) writeFileSync(out, JSON.stringify(results, null, 2));
}

main().then(
  () => process.exit(),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
