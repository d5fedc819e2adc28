/**
 * The conv gradients and the other kernels NetCanvas's wasm kernels replace, timed alone on the
 * models' layer shapes: ours against tfjs's route, interleaved (A B A B …), medians.
 *
 *   npx tsx bench/cpu/kernels.ts [--threads N] [--reps 7]
 *
 * Reports wall ms; with --threads 1 also CPU ms (process.cpuUsage), which other processes on a
 * shared machine disturb far less than the wall clock.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../engine/train/backends/select';
import { setNativeKernelsEnabled } from '../../engine/train/backends/wasm-native/runtime';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
if (arg('threads') != null) process.env.NETCANVAS_WASM_THREADS = arg('threads');
const reps = Number(arg('reps') ?? 7);

interface Case {
  label: string;
  run: () => tf.Tensor | tf.Tensor[];
}

function convCases(label: string, n: number, h: number, ci: number, co: number, k: number, stride: number): Case[] {
  const x = tf.randomNormal([n, h, h, ci]);
  const f = tf.randomNormal([k, k, ci, co]);
  const out = Math.ceil(h / stride);
  const dy = tf.randomNormal([n, out, out, co]);
  const attrs = { strides: stride, pad: 'same', dataFormat: 'NHWC' };
  return [
    { label: `${label} forward`, run: () => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, 'same') },
    {
      label: `${label} dW`,
      run: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [k, k, ci, co] }) as tf.Tensor,
    },
    {
      label: `${label} dx`,
      run: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...attrs, inputShape: [n, h, h, ci] }) as tf.Tensor,
    },
  ];
}

function otherCases(): Case[] {
  const x = tf.randomNormal([128, 32, 32, 32]);
  const dy = tf.randomNormal([128, 32, 32, 32]);
  const pooled = tf.randomNormal([64, 28, 28, 8]);
  const poolOut = tf.maxPool(pooled as tf.Tensor4D, 2, 2, 'valid');
  const poolDy = tf.randomNormal(poolOut.shape);
  return [
    { label: 'bias grad Σ[0,1,2] 128×32×32×32', run: () => tf.sum(dy, [0, 1, 2]) },
    { label: 'global avg pool mean[1,2]', run: () => tf.mean(x, [1, 2]) },
    { label: 'relu grad 128×32×32×32', run: () => tf.grad((t: tf.Tensor) => tf.relu(t))(x, dy) },
    {
      label: 'maxPoolGrad 64×28×28×8',
      run: () =>
        tf
          .engine()
          .runKernel(
            'MaxPoolGrad',
            { dy: poolDy, input: pooled, output: poolOut },
            { filterSize: 2, strides: 2, pad: 'valid' },
          ) as tf.Tensor,
    },
  ];
}

function time(c: Case): { wall: number; cpu: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  tf.dispose(c.run());
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const choice = await selectBackend('wasm');
console.log(`backend: ${choice.detail}; ${reps} interleaved repetitions, medians`);
const cases = [
  ...convCases('residual 32→32 3×3 b128 32×32', 128, 32, 32, 32, 3, 1),
  ...convCases('residual stem 3→32 b128', 128, 32, 3, 32, 3, 1),
  ...convCases('resnet20 16→16 b128 28×28', 128, 28, 16, 16, 3, 1),
  ...convCases('resnet20 32→64 s2 b128 14×14', 128, 14, 32, 64, 3, 2),
  ...convCases('LeNet c3 6→16 5×5 b64 14×14', 64, 14, 6, 16, 5, 1),
  ...convCases('fashion c1 1→8 5×5 b64 28×28', 64, 28, 1, 8, 5, 1),
  ...otherCases(),
];
console.log(`${'kernel'.padEnd(44)} ${'ours ms'.padStart(9)} ${'tfjs ms'.padStart(9)}  tfjs/ours   (cpu ms ours / tfjs)`);
for (const c of cases) {
  const ours: { wall: number; cpu: number }[] = [];
  const stock: { wall: number; cpu: number }[] = [];
  for (let r = 0; r <= reps; r++) {
    setNativeKernelsEnabled(true);
    const a = time(c);
    setNativeKernelsEnabled(false);
    const b = time(c);
    if (r > 0) (ours.push(a), stock.push(b)); // the first is a warm-up
  }
  setNativeKernelsEnabled(true);
  const [ow, sw] = [median(ours.map((t) => t.wall)), median(stock.map((t) => t.wall))];
  const [oc, sc] = [median(ours.map((t) => t.cpu)), median(stock.map((t) => t.cpu))];
  console.log(
    `${c.label.padEnd(44)} ${ow.toFixed(2).padStart(9)} ${sw.toFixed(2).padStart(9)}  ${(sw / ow).toFixed(2).padStart(8)}×   (${oc.toFixed(1)} / ${sc.toFixed(1)})`,
  );
}
