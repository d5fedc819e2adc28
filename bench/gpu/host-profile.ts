/**
 * Where a WebGPU training step's wall time goes on the host. The bench shows the step is issued
 * about as slowly as it runs (issue time ≈ wall), i.e. the host, not the GPU, sets the pace; this
 * splits that host time into Dawn calls (counted and timed by wrapping the device and queue) and
 * JS self time by function (V8's sampling profiler), for LeNet-5 at batch 64 and the residual CNN
 * at batch 128, and times LeNet-5 with a few tfjs-webgpu submit batch sizes (then profiles with
 * registerFastKernels' own).
 *
 *   node .device/host-profile.mjs [--software] [--out DIR]   (bundled by bench/gpu/build.sh)
 */
import * as tf from '@tensorflow/tfjs';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import type { GraphDoc } from '../../engine/graph/types';
import { accelerationFor } from '../../engine/train/acceleration';
import { registerWebGPUBackend } from '../../engine/train/webgpu/device/register';
import { lenet5, residualCnn } from '../train_models';
import { runSteps, syntheticBatch, trainer } from './steps';

const software = process.argv.includes('--software');
const outDir = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : undefined;
const calls = new Map<string, { n: number; ms: number }>();

/** Counts and times every call of these methods (Dawn's binding) from now on. */
function wrap(obj: Record<string, unknown>, names: string[], prefix: string) {
  for (const name of names) {
    const f = obj[name] as (...a: unknown[]) => unknown;
    if (typeof f !== 'function') continue;
    obj[name] = function (this: unknown, ...a: unknown[]) {
      const t = performance.now();
      const r = f.apply(this, a);
      const e = calls.get(prefix + name) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += performance.now() - t;
      calls.set(prefix + name, e);
      return r;
    };
  }
}

/** A residual CNN or LeNet-5 trainer on the trainer's WebGPU path, warmed up; `run(n)` gives ms per step. */
async function stepper(graph: GraphDoc, shape: number[], batch: number) {
  const t = trainer(graph, await accelerationFor('webgpu'));
  const { x, labels } = syntheticBatch(shape, batch);
  const run = async (n: number) => {
    const start = performance.now();
    await runSteps(t, x, labels, n);
    return (performance.now() - start) / n;
  };
  // Both kinds of step (with and without gradient norms) recorded, so what is profiled is replayed.
  await run(software ? 4 : 3 * t.readEvery + 2);
  return { run, dispose: () => (t.dispose(), tf.dispose([x, labels])) };
}

async function profile(label: string, graph: GraphDoc, shape: number[], batch: number, steps: number) {
  const s = await stepper(graph, shape, batch);
  calls.clear();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const msPerStep = await s.run(steps);
  const { profile: prof } = await session.post('Profiler.stop');
  session.disconnect();
  s.dispose();
  if (outDir) writeFileSync(`${outDir}/${label}.cpuprofile`, JSON.stringify(prof));
  console.log(`\n== ${label}: ${steps} steps, ${msPerStep.toFixed(2)} ms/step (sampling profiler on)`);
  console.table(
    [...calls.entries()].map(([call, v]) => ({
      call,
      perStep: +(v.n / steps).toFixed(1),
      msPerStep: +(v.ms / steps).toFixed(3),
      usEach: +((v.ms * 1000) / v.n).toFixed(1),
    })),
  );
  const self = new Map<string, number>();
  const byId = new Map(prof.nodes.map((nd) => [nd.id, nd]));
  const samples = prof.samples ?? [];
  const deltas = prof.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const cf = byId.get(samples[i]!)!.callFrame;
    const key = `${cf.functionName || '(anonymous)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  for (const [k, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`${(ms / steps).toFixed(3).padStart(9)} ms/step  ${k}`);
}

async function main() {
  const reg = await registerWebGPUBackend({ software });
  if (!reg.ok) throw new Error(reg.reason);
  await tf.setBackend('webgpu');
  console.log(`adapter: ${reg.adapterName}`);
  const steps = software ? 4 : 64;
  const submitEvery = tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE');
  for (const size of [15, 64, 256, 1000]) {
    tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', size);
    const s = await stepper(lenet5(), [28, 28, 1], 64);
    console.log(`LeNet-5 b64, submit every ${size} dispatches: ${(await s.run(steps)).toFixed(2)} ms/step`);
    s.dispose();
  }
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', submitEvery);
  // On the prototypes, not the instances: the step recorder (engine/train/webgpu/replay/recording.ts)
  // hooks the prototypes while it records, and an instance method would hide its hook.
  wrap(
    GPUDevice.prototype as unknown as Record<string, unknown>,
    [
      'createBuffer',
      'createBindGroup',
      'createComputePipeline',
      'createComputePipelineAsync',
      'createShaderModule',
      'createCommandEncoder',
    ],
    'device.',
  );
  wrap(GPUQueue.prototype as unknown as Record<string, unknown>, ['submit', 'writeBuffer', 'onSubmittedWorkDone'], 'queue.');
  await profile('lenet_b64', lenet5(), [28, 28, 1], 64, steps);
  await profile('resnet_b128', residualCnn(), [32, 32, 3], 128, software ? 2 : 32);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
