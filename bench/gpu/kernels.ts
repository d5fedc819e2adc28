/**
 * Times the training step's heavy kernels alone, tfjs-webgpu's (stock) against NetCanvas's, on the
 * layers of the bench's models: the conv's forward pass (tfjs's in both), its input gradient, its
 * filter gradient and its bias gradient. Each figure is the wall time of `reps` launches in a row,
 * divided by `reps`, after one warm-up launch (pipelines built); the GPU finishing is awaited.
 *
 *   npx tsx bench/gpu/kernels.ts --software [--batch 8] [--reps 8]     (Mesa llvmpipe, this machine)
 *   node .device/kernels.mjs [--reps 20]                               (the device machine's GPU)
 *
 * Then our filter gradient again at several split counts (split-K chunks), the one splitPlan picks
 * marked, to see whether its choice is the fastest on that GPU.
 *
 * On llvmpipe the GPU's work runs on the CPU's cores: its figures rank kernels, they do not
 * predict a GPU's.
 */
import * as tf from '@tensorflow/tfjs';
import { filterGradGeometry, filterGradient, planWithSplits, splitPlan } from '../../engine/train/webgpu/kernels/conv2d-backprop-filter';
import { registerFastKernels, restoreStockKernels } from '../../engine/train/webgpu/kernels';
import { registerWebGPUBackend } from '../../engine/train/webgpu/device/register';
import { arg } from './args';

const software = process.argv.includes('--software');
const reps = Number(arg('--reps') ?? (software ? 8 : 20));

type Shape4 = [number, number, number, number];
const LAYERS: { name: string; x: Shape4; filter: Shape4; pad: 'same' | 'valid' }[] = [
  { name: 'residual CNN conv (32→32, 3×3, 32×32)', x: [128, 32, 32, 32], filter: [3, 3, 32, 32], pad: 'same' },
  { name: 'residual CNN stem (3→32, 3×3, 32×32)', x: [128, 32, 32, 3], filter: [3, 3, 3, 32], pad: 'same' },
  { name: 'LeNet-5 conv1 (1→6, 5×5, 28×28)', x: [512, 28, 28, 1], filter: [5, 5, 1, 6], pad: 'same' },
  { name: 'LeNet-5 conv2 (6→16, 5×5, 14×14)', x: [512, 14, 14, 6], filter: [5, 5, 6, 16], pad: 'valid' },
];

async function msPerLaunch(launch: () => tf.Tensor): Promise<number> {
  const warm = launch();
  await warm.data();
  warm.dispose();
  const start = performance.now();
  let last: tf.Tensor | null = null;
  for (let i = 0; i < reps; i++) {
    last?.dispose();
    last = launch();
  }
  await last!.data();
  last!.dispose();
  return (performance.now() - start) / reps;
}

/** Our filter gradient at several split counts; `chosen` marks splitPlan's. */
async function sweepSplits(name: string, x: tf.Tensor4D, dy: tf.Tensor4D, filter: Shape4, pad: 'same' | 'valid') {
  const g = filterGradGeometry(x.shape, { filterShape: filter, strides: 1, pad, dimRoundingMode: undefined });
  const chosen = splitPlan(g);
  const plans = [8, 32, 64, 128, 256, 512, 1024, 2048].map((n) => planWithSplits(g, n));
  if (!plans.some((p) => p.splits === chosen.splits)) plans.push(chosen);
  const out: Record<string, unknown>[] = [];
  for (const plan of plans.filter((p, i) => plans.findIndex((q) => q.splits === p.splits) === i)) {
    const ms = await msPerLaunch(() => tf.engine().makeTensorFromTensorInfo(filterGradient(tf.backend(), x, dy, g, plan)));
    out.push({ layer: name, splits: plan.splits, chunk: plan.chunk, ms: +ms.toFixed(3), chosen: plan.splits === chosen.splits });
    console.log(JSON.stringify(out.at(-1)));
  }
  return out;
}

async function main(): Promise<void> {
  const registration = await registerWebGPUBackend({ software });
  if (!registration.ok) {
    console.log(`WebGPU unavailable: ${registration.reason}`);
    process.exitCode = 2;
    return;
  }
  await tf.setBackend('webgpu');
  console.log(`WebGPU adapter: ${registration.adapterName}; ${reps} launches per figure`);
  const batchOverride = arg('--batch') != null ? Number(arg('--batch')) : undefined;
  const rows: Record<string, unknown>[] = [];
  const sweeps: Record<string, unknown>[] = [];
  for (const layer of LAYERS) {
    const xShape: Shape4 = [batchOverride ?? layer.x[0], layer.x[1], layer.x[2], layer.x[3]];
    const x = tf.randomNormal(xShape) as tf.Tensor4D;
    const w = tf.randomNormal(layer.filter) as tf.Tensor4D;
    const y = tf.conv2d(x, w, 1, layer.pad);
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const attrs = { strides: 1, pad: layer.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: layer.filter };
    const kernels: [string, () => tf.Tensor][] = [
      ['input gradient', () => tf.conv2dTranspose(dy, w, xShape, 1, layer.pad)],
      [
        'filter gradient',
        () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor,
      ],
      ['bias gradient (Σ over b, h, w)', () => tf.sum(dy, [0, 1, 2])],
    ];
    const forward = await msPerLaunch(() => tf.conv2d(x, w, 1, layer.pad));
    rows.push({
      layer: layer.name,
      kernel: 'forward conv (tfjs)',
      batch: xShape[0],
      stockMs: null,
      oursMs: +forward.toFixed(3),
      speedup: null,
    });
    for (const [kernel, launch] of kernels) {
      restoreStockKernels();
      const stock = await msPerLaunch(launch);
      registerFastKernels();
      const ours = await msPerLaunch(launch);
      rows.push({
        layer: layer.name,
        kernel,
        batch: xShape[0],
        stockMs: +stock.toFixed(3),
        oursMs: +ours.toFixed(3),
        speedup: +(stock / ours).toFixed(2),
      });
      console.log(JSON.stringify(rows.at(-1)));
    }
    sweeps.push(...(await sweepSplits(layer.name, x, dy, layer.filter, layer.pad)));
    tf.dispose([x, w, y, dy]);
  }
  console.table(rows);
  console.table(sweeps);
}

main().then(
  () => process.exit(),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
