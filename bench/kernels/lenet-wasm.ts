/**
 * Training throughput of LeNet-5 with tfjs-layers on the wasm backend (and briefly cpu).
 *
 *   npx tsx bench/kernels/lenet-wasm.ts                  # wasm at batch 64 and 512, cpu at 64
 *   npx tsx bench/kernels/lenet-wasm.ts --profile        # also per-kernel times (mean of 5 batches)
 *   npx tsx bench/kernels/lenet-wasm.ts --threads 1      # thread count (NETCANVAS_WASM_THREADS); 1 = single-threaded binary
 *
 * Target: ≥ 950 samples/s at batch 64 on the 2-core dev box (PyTorch 1.13 does 3,110 there).
 */
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { selectBackend } from '../../engine/train/backends/select';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
const profile = process.argv.includes('--profile');
const threads = arg('threads');
if (threads != null) process.env.NETCANVAS_WASM_THREADS = threads;

function lenet(): tf.LayersModel {
  const relu = 'relu' as const;
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: relu }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: relu }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: relu }),
      tf.layers.dense({ units: 84, activation: relu }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/** Samples per second of `model.fit` over `steps` batches, after one warm-up epoch. */
async function throughput(batch: number, steps: number): Promise<number> {
  const model = lenet();
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  const n = batch * steps;
  const xs = tf.randomUniform([n, 28, 28, 1]);
  const ys = tf.oneHot(tf.randomUniform([n], 0, 10, 'int32') as tf.Tensor1D, 10).toFloat();
  const fit = () => model.fit(xs, ys, { batchSize: batch, epochs: 1, shuffle: false, verbose: 0 });
  await fit(); // warm-up: XNNPACK operator creation, JIT
  const t0 = performance.now();
  await fit();
  const seconds = (performance.now() - t0) / 1000;
  if (profile) await profileOneBatch(model, xs.slice(0, batch), ys.slice(0, batch));
  tf.dispose([xs, ys]);
  model.dispose();
  return n / seconds;
}

async function profileOneBatch(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor) {
  const batches = 5; // one batch alone is too noisy on a shared 2-core machine
  const info = await tf.profile(async () => {
    for (let i = 0; i < batches; i++) await model.trainOnBatch(x, y);
  });
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    byKernel.set(k.name, { ms: e.ms + ms / batches, calls: e.calls + 1 / batches });
  }
  const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((s, [, e]) => s + e.ms, 0);
  console.log(`  per-kernel time per batch of ${x.shape[0]}, mean of ${batches} (our kernels' inner kernels count in them):`);
  for (const [name, e] of rows.slice(0, 14)) {
    console.log(`    ${name.padEnd(24)} ${e.ms.toFixed(2).padStart(8)} ms  ${String(Math.round(e.calls)).padStart(3)} calls`);
  }
  console.log(`    ${'sum'.padEnd(24)} ${total.toFixed(2).padStart(8)} ms`);
  tf.dispose([x, y]);
}

const choice = await selectBackend('wasm');
console.log(`backend: ${choice.name} (${choice.detail}); ${os.cpus().length} CPU cores, node ${process.version}`);
for (const batch of [64, 512]) {
  const sps = await throughput(batch, batch === 64 ? 40 : 6);
  console.log(`wasm  batch ${String(batch).padStart(3)}: ${sps.toFixed(0).padStart(6)} samples/s`);
}
if (!process.argv.includes('--no-cpu')) {
  await selectBackend('cpu');
  const sps = await throughput(64, 2);
  console.log(`cpu   batch  64: ${sps.toFixed(0).padStart(6)} samples/s`);
}
