/**
 * Our Winograd F(2×2, 3×3) conv (engine/train/backends/wasm-native/c/winograd.c) against
 * tfjs-wasm's XNNPACK conv on the residual CNN's and ResNet-20's 3×3 stride-1 layers, forward and
 * input gradient, and our Winograd filter gradient against our direct one (c/conv_filter.c): one process, interleaved (A B A B …), medians, and the largest difference
 * between the two relative to the output's largest magnitude.
 *
 *   npx tsx bench/cpu/winograd.ts [--threads N] [--reps 7]
 *   npx tsx bench/cpu/winograd.ts --steps residual,resnet20 [--reps 5]   # whole training steps (batch 128), Winograd on vs off
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../engine/train/backends/select';
import { arg } from '../gpu/args';
import { type BenchModel, setupCase } from './cases';
import { setWinogradMode } from '../../engine/train/backends/wasm-native/winograd';

const threads = arg('--threads');
if (threads != null) process.env.NETCANVAS_WASM_THREADS = threads;
const reps = Number(arg('--reps') ?? 7);
const steps = arg('--steps');

interface Case {
  label: string;
  run: () => tf.Tensor;
}

function cases(label: string, n: number, h: number, ci: number, co: number): Case[] {
  const x = tf.randomNormal([n, h, h, ci]);
  const f = tf.randomNormal([3, 3, ci, co]);
  const dy = tf.randomNormal([n, h, h, co]);
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
  return [
    { label: `${label} forward`, run: () => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same') },
    {
      label: `${label} dW`,
      run: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, ci, co] }) as tf.Tensor,
    },
    {
      label: `${label} dx`,
      run: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...attrs, inputShape: [n, h, h, ci] }) as tf.Tensor,
    },
  ];
}

/** Wall ms, and CPU ms (process.cpuUsage: less disturbed by other processes; with --threads 1, the kernel's own work). */
function time(c: Case): { ms: number; cpu: number; out: tf.Tensor } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = c.run();
  out.dataSync();
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000, out };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const choice = await selectBackend('wasm');
console.log(`backend: ${choice.detail}; ${reps} interleaved repetitions, medians`);
if (steps != null) {
  // Whole steps as the trainer runs them: the ratio of ours with and without Winograd, same process.
  for (const model of steps.split(',') as BenchModel[]) {
    const c = await setupCase(model, 128);
    const on: number[] = [];
    const off: number[] = [];
    for (let r = 0; r <= reps; r++) {
      for (const [m, into] of [
        ['auto', on],
        ['off', off],
      ] as const) {
        setWinogradMode(m);
        const t0 = performance.now();
        await c.run();
        if (r > 0) into.push(performance.now() - t0); // the first is a warm-up
      }
    }
    setWinogradMode('auto');
    c.dispose();
    const [a, b] = [median(on), median(off)];
    console.log(`${model} b128 step: Winograd ${a.toFixed(0)} ms, XNNPACK ${b.toFixed(0)} ms, ${(b / a).toFixed(2)}× faster`);
  }
  process.exit(0);
}
const all = [
  ...cases('residual 32→32 b128 32×32', 128, 32, 32, 32),
  ...cases('residual stem 3→32 b128 32×32', 128, 32, 3, 32),
  ...cases('resnet20 1→16 stem b128 28×28', 128, 28, 1, 16),
  ...cases('resnet20 16→16 b128 28×28', 128, 28, 16, 16),
  ...cases('resnet20 32→32 b128 14×14', 128, 14, 32, 32),
  ...cases('resnet20 64→64 b128 7×7', 128, 7, 64, 64),
  ...cases('8→8 b128 28×28', 128, 28, 8, 8),
  ...cases('4→4 b128 28×28', 128, 28, 4, 4),
];
console.log(
  `${'conv'.padEnd(40)} ${'winograd'.padStart(9)} ${'xnnpack'.padStart(9)}  xnnpack/winograd (dW: direct)  max |Δ|/max |y|  (cpu ms winograd / xnnpack)`,
);
for (const c of all) {
  const ours: number[] = [];
  const stock: number[] = [];
  const cpu: [number[], number[]] = [[], []];
  let diff = 0;
  for (let r = 0; r <= reps; r++) {
    setWinogradMode('on');
    const a = time(c);
    setWinogradMode('off');
    const b = time(c);
    if (r === 0) {
      const scale = tf.max(tf.abs(b.out)).dataSync()[0]!;
      diff = tf.max(tf.abs(tf.sub(a.out, b.out))).dataSync()[0]! / scale;
    } else (ours.push(a.ms), stock.push(b.ms), cpu[0].push(a.cpu), cpu[1].push(b.cpu)); // the first is a warm-up
    tf.dispose([a.out, b.out]);
  }
  setWinogradMode('auto');
  const [o, s] = [median(ours), median(stock)];
  const [oc, sc] = cpu.map(median) as [number, number];
  console.log(
    `${c.label.padEnd(40)} ${o.toFixed(2).padStart(9)} ${s.toFixed(2).padStart(9)}  ${(s / o).toFixed(2).padStart(14)}×  ${diff.toExponential(1)}  (${oc.toFixed(1)} / ${sc.toFixed(1)})`,
  );
}
