/**
 * Where a training step's time goes on the CPU: one step of each model on the wasm backend through the
 * trainer's own path (compiler, `accelerationFor`, `makeTrainStep`), per tfjs kernel (tf.profile, mean
 * of several steps), then the same model in PyTorch under torch.profiler (self CPU time per op).
 *
 *   npx tsx bench/cpu/profile.ts                         # residual CNN and ResNet-20, batch 128
 *   npx tsx bench/cpu/profile.ts --models lenet5:64 --steps 5 --threads 1
 *   npx tsx bench/cpu/profile.ts --clock cpu              # kernels timed in process CPU time
 *
 * `--clock cpu` times each kernel by the process's CPU time instead of the wall clock: on a machine
 * other work shares, a kernel's wall time grows with whatever ran meanwhile, its CPU time far less
 * (with several threads it is their sum). PyTorch's column is always its profiler's (wall) time.
 * Our fused kernels count as one entry each (their inner work is inside); tfjs kernels called from
 * inside ours do not appear on their own.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { setupCase, type BenchModel, MODELS } from './cases';
import { selectBackend } from '../../engine/train/backends/select';
import { nativeFor } from '../../engine/train/backends/wasm-native/runtime';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
const threads = arg('threads');
if (threads != null) process.env.NETCANVAS_WASM_THREADS = threads;
const steps = Number(arg('steps') ?? 3);
if (arg('clock') === 'cpu') {
  // tf.profile times kernels with the platform's now(); this one counts CPU milliseconds.
  const platform = tf.env().platform as { now(): number };
  platform.now = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
}
const cases = (arg('models') ?? 'residual:128,resnet20:128').split(',').map((s) => {
  const [model, batch] = s.split(':');
  if (!(model! in MODELS)) throw new Error(`unknown model '${model}' (one of ${Object.keys(MODELS).join(', ')})`);
  return { model: model as BenchModel, batch: Number(batch ?? 128) };
});

interface Row {
  name: string;
  ms: number;
  calls: number;
}

function table(title: string, rows: Row[], wallMs: number) {
  rows.sort((a, b) => b.ms - a.ms);
  const total = rows.reduce((s, r) => s + r.ms, 0);
  console.log(`  ${title}: ${wallMs.toFixed(1)} ms per step (wall), ${total.toFixed(1)} ms in the listed kernels`);
  for (const r of rows.slice(0, 16)) {
    const share = ((100 * r.ms) / wallMs).toFixed(1).padStart(5);
    console.log(`    ${r.name.padEnd(34)} ${r.ms.toFixed(2).padStart(8)} ms ${share}%  ${r.calls.toFixed(0).padStart(4)} calls`);
  }
}

async function ours(model: BenchModel, batch: number): Promise<void> {
  const c = await setupCase(model, batch, 'adam');
  try {
    for (let i = 0; i < 2; i++) await c.run();
    const t0 = performance.now();
    const info = await tf.profile(async () => {
      for (let i = 0; i < steps; i++) await c.run();
    });
    const wall = (performance.now() - t0) / steps;
    const by = new Map<string, Row>();
    for (const k of info.kernels) {
      // Op-level scopes (fusedConv2d__op, a customGrad's 'unnamed scope') wrap kernels listed on their own.
      if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
      const r = by.get(k.name) ?? { name: k.name, ms: 0, calls: 0 };
      r.ms += (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0) / steps;
      r.calls += 1 / steps;
      by.set(k.name, r);
    }
    table(`wasm, ${model} batch ${batch}`, [...by.values()], wall);
  } finally {
    c.dispose();
  }
}

async function pytorch(model: BenchModel, batch: number, threadCount: number): Promise<void> {
  const script = fileURLToPath(new URL('./profile_torch.py', import.meta.url));
  try {
    const { stdout } = await promisify(execFile)('/usr/bin/python3', [script, String(threadCount), model, String(batch), String(steps)], {
      maxBuffer: 1 << 22,
    });
    const r = JSON.parse(stdout) as { wall_ms: number; ops: Row[] };
    table(`PyTorch ${threadCount} threads, ${model} batch ${batch}`, r.ops, r.wall_ms);
  } catch (e) {
    console.log(`  PyTorch: not run (${(e as Error).message.split('\n')[0]})`);
  }
}

const choice = await selectBackend('wasm');
// PyTorch gets as many threads as our pool has (XNNPACK itself runs on one while our pool owns the cores).
const n = nativeFor(tf.backend())?.threads ?? (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
console.log(`backend: ${choice.name} — ${choice.detail}; ${steps} steps profiled after 2 warm-up steps; Adam`);
for (const { model, batch } of cases) {
  await ours(model, batch);
  await pytorch(model, batch, n);
}
