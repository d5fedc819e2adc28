/**
 * Checks NetCanvas's WebGPU kernels against TensorFlow.js's `cpu` backend on the same random
 * inputs: conv2d's filter and input gradients (several geometries, the models' own among them),
 * sums and means over middle axes, the fused softmax cross-entropy and its gradient, the fused
 * batchnorm's output and gradients, and the fused optimizer updates. Runs wherever
 * `webgpu` is registered with a real adapter (the test suite uses Mesa's software one; the GPU
 * bench calls it first).
 *
 * @example
 *   const results = await verifyWebGPUKernels(); // [{ name, maxError, tolerance, pass }, …]
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormTraining } from '../../../../../engine/train/webgpu/kernels/batchnorm';
import { fusedCrossEntropy } from '../../../../../engine/train/webgpu/kernels/cross-entropy';
import { FusedAdamOptimizer } from '../../../../../engine/train/webgpu/fused/adam';
import { FusedMomentumOptimizer } from '../../../../../engine/train/webgpu/fused/momentum';

export interface KernelCheck {
  name: string;
  /** max |gpu − cpu| / max(1, max |cpu|): scale-free, so large reductions compare fairly. */
  maxError: number;
  tolerance: number;
  pass: boolean;
}

interface ConvCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: 'same' | 'valid';
}

export const CONV_CASES: ConvCase[] = [
  { name: 'small 3×3 same', x: [2, 9, 9, 3], filter: [3, 3, 3, 5], stride: 1, pad: 'same' },
  { name: 'stride 2 valid 5×5', x: [3, 13, 11, 4], filter: [5, 5, 4, 7], stride: 2, pad: 'valid' },
  { name: 'odd channels 1×1', x: [5, 6, 6, 33], filter: [1, 1, 33, 35], stride: 1, pad: 'same' },
  { name: 'even 4×4 same (uneven pad)', x: [2, 10, 9, 4], filter: [4, 4, 4, 8], stride: 1, pad: 'same' },
  { name: 'stride 1 valid 3×3', x: [3, 8, 7, 8], filter: [3, 3, 8, 4], stride: 1, pad: 'valid' },
  { name: 'LeNet conv1 (16×28×28×1 → 6@5×5 same)', x: [16, 28, 28, 1], filter: [5, 5, 1, 6], stride: 1, pad: 'same' },
  { name: 'residual conv (16×32×32×32 → 32@3×3 same)', x: [16, 32, 32, 32], filter: [3, 3, 32, 32], stride: 1, pad: 'same' },
];

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

function compare(name: string, gpu: Float32Array, cpu: Float32Array, tolerance: number): KernelCheck {
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < cpu.length; i++) {
    diff = Math.max(diff, Math.abs(gpu[i]! - cpu[i]!));
    scale = Math.max(scale, Math.abs(cpu[i]!));
  }
  const maxError = gpu.length === cpu.length ? diff / scale : Infinity;
  return { name, maxError, tolerance, pass: maxError <= tolerance };
}

/** Runs `compute` on the given backend over fresh tensors made from `arrays`; returns flat outputs. */
async function onBackend(
  backend: string,
  arrays: { data: Float32Array; shape: number[] }[],
  compute: (...t: tf.Tensor[]) => tf.Tensor[],
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const inputs = arrays.map((a) => tf.tensor(a.data, a.shape));
  const outputs = compute(...inputs);
  const values = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose([...inputs, ...outputs]);
  return values;
}

/** The conv's filter and input gradients for upstream gradient dy, through tfjs's autodiff. */
function convGrads(x: tf.Tensor, w: tf.Tensor, dy: tf.Tensor, c: ConvCase): tf.Tensor[] {
  return tf
    .grads((a: tf.Tensor, f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad), dy)))([x, w])
    .reverse();
}

function batchNormReference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, r: tf.Tensor, epsilon: number): tf.Tensor[] {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(a, axes);
    return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, epsilon), r));
  };
  const y = tf.tidy(() => {
    const { mean, variance } = tf.moments(x, axes);
    return tf.batchNorm(x, mean, variance, beta as tf.Tensor1D, gamma as tf.Tensor1D, epsilon);
  });
  return [y, ...tf.grads(f)([x, gamma, beta])];
}

function batchNormFused(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, r: tf.Tensor, epsilon: number): tf.Tensor[] {
  const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, epsilon).y, r));
  const { y, stats } = batchNormTraining(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, epsilon);
  stats.dispose();
  return [y, ...tf.grads(f)([x, gamma, beta])];
}

/** `full: false` leaves out the model-sized convolution (a minute on a software adapter). */
export async function verifyWebGPUKernels(options: { tolerance?: number; full?: boolean } = {}): Promise<KernelCheck[]> {
  const tolerance = options.tolerance ?? 1e-3;
  const results: KernelCheck[] = [];
  let seed = 1;
  for (const c of options.full === false ? CONV_CASES.slice(0, -1) : CONV_CASES) {
    const xData = random(
      c.x.reduce((a, b) => a * b),
      seed++,
    );
    const outShape = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.stride, 1, c.pad).outShape;
    const dyData = random(
      outShape.reduce((a, b) => a * b),
      seed++,
    );
    const arrays = [
      { data: xData, shape: c.x },
      {
        data: random(
          c.filter.reduce((a, b) => a * b),
          seed++,
        ),
        shape: c.filter,
      },
      { data: dyData, shape: outShape },
    ];
    const gpu = await onBackend('webgpu', arrays, (x, w, dy) => convGrads(x!, w!, dy!, c));
    const cpu = await onBackend('cpu', arrays, (x, w, dy) => convGrads(x!, w!, dy!, c));
    results.push(compare(`Conv2DBackpropFilter ${c.name}`, gpu[0]!, cpu[0]!, tolerance));
    results.push(compare(`Conv2DBackpropInput ${c.name}`, gpu[1]!, cpu[1]!, tolerance));
  }
  const reductions = [
    {
      name: 'Σ over batch, height, width (a bias gradient, in chunks)',
      shape: [8, 32, 32, 6],
      axes: [0, 1, 2],
      mean: false,
      keepDims: false,
    },
    { name: 'Σ over batch (a dense bias gradient)', shape: [64, 120], axes: [0], mean: false, keepDims: false },
    { name: 'mean over height, width (global average pool)', shape: [4, 8, 8, 32], axes: [1, 2], mean: true, keepDims: false },
    { name: 'mean over height, width, kept dims', shape: [2, 19, 17, 5], axes: [1, 2], mean: true, keepDims: true },
    { name: 'mean over height, width of two large images (in chunks)', shape: [2, 64, 64, 3], axes: [1, 2], mean: true, keepDims: false },
  ];
  for (const r of reductions) {
    const arrays = [
      {
        data: random(
          r.shape.reduce((a, b) => a * b),
          seed++,
        ),
        shape: r.shape,
      },
    ];
    const reduce = (x: tf.Tensor) => [r.mean ? tf.mean(x, r.axes, r.keepDims) : tf.sum(x, r.axes, r.keepDims)];
    const [gpu] = await onBackend('webgpu', arrays, (x) => reduce(x!));
    const [cpu] = await onBackend('cpu', arrays, (x) => reduce(x!));
    results.push(compare(`${r.mean ? 'Mean' : 'Sum'}: ${r.name}`, gpu!, cpu!, tolerance));
  }
  {
    // Logits up to ±100: exp(100) overflows float32, so the max must come out first.
    const logits = { data: random(37 * 10, seed++).map((v) => v * 200), shape: [37, 10] };
    const labels = { data: Float32Array.from({ length: 37 }, (_, i) => (i * 7) % 10), shape: [37] };
    const lossAndGradient = (fused: boolean) => (z: tf.Tensor | undefined, l: tf.Tensor | undefined) => {
      const classes = tf.cast(l!, 'int32') as tf.Tensor1D;
      const f = (v: tf.Tensor) =>
        fused ? fusedCrossEntropy(classes, v, 10) : (tf.losses.softmaxCrossEntropy(tf.oneHot(classes, 10), v) as tf.Scalar);
      const { value, grad } = tf.valueAndGrad(f)(z!);
      // ×B: each entry is then O(1), so an error in the 1/B factor shows against the tolerance.
      const scaled = tf.mul(grad, 37);
      tf.dispose([classes, grad]);
      return [value, scaled];
    };
    const gpu = await onBackend('webgpu', [logits, labels], lossAndGradient(true));
    const cpu = await onBackend('cpu', [logits, labels], lossAndGradient(false));
    results.push(compare('fused softmax cross-entropy, loss', gpu[0]!, cpu[0]!, tolerance));
    results.push(compare('fused softmax cross-entropy, B·∂/∂logits', gpu[1]!, cpu[1]!, tolerance));
  }
  for (const shape of [
    [4, 5, 5, 3],
    [32, 32, 32, 32],
  ]) {
    const channels = shape[3]!;
    const size = shape.reduce((a, b) => a * b);
    const xData = random(size, seed++).map((v) => v * 3 + 0.7);
    const arrays = [
      { data: xData, shape },
      { data: random(channels, seed++).map((v) => 1 + v), shape: [channels] },
      { data: random(channels, seed++), shape: [channels] },
      { data: random(size, seed++), shape },
    ];
    const gpu = await onBackend('webgpu', arrays, (x, g, b, r) => batchNormFused(x!, g!, b!, r!, 1e-3));
    const cpu = await onBackend('cpu', arrays, (x, g, b, r) => batchNormReference(x!, g!, b!, r!, 1e-3));
    ['y', 'dx', 'dγ', 'dβ'].forEach((what, i) =>
      results.push(compare(`fused batchnorm [${shape.join('×')}] ${what}`, gpu[i]!, cpu[i]!, tolerance)),
    );
  }
  const w0 = random(1000, seed++);
  const gradients = [random(1000, seed++), random(1000, seed++), random(1000, seed++)];
  /** Weights after 3 steps of an optimizer (ours on WebGPU, tfjs's on cpu) from the same start. */
  const optimizerRun = (label: string, make: () => tf.Optimizer) => async () => {
    const w = tf.variable(tf.tensor(w0, [10, 100]), true, `${label}_check_${seed}_${tf.getBackend()}`);
    const optimizer = make();
    for (const g of gradients) tf.tidy(() => optimizer.applyGradients([{ name: w.name, tensor: tf.tensor(g, [10, 100]) }]));
    const out = (await w.data()) as Float32Array;
    w.dispose();
    optimizer.dispose();
    return out;
  };
  const momentumRun = (nesterov: boolean) => (fused: boolean) =>
    optimizerRun('momentum', () => (fused ? new FusedMomentumOptimizer(0.1, 0.9, nesterov) : tf.train.momentum(0.1, 0.9, nesterov)));
  const sgdRun = (fused: boolean) => optimizerRun('sgd', () => (fused ? new FusedMomentumOptimizer(0.1, 0) : tf.train.sgd(0.1)));
  const adamRun = (fused: boolean) =>
    optimizerRun('adam', () => (fused ? new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7) : tf.train.adam(0.01, 0.9, 0.999, 1e-7)));
  const runs = [
    ['fused SGD momentum, 3 steps', momentumRun(false)],
    ['fused SGD Nesterov momentum, 3 steps', momentumRun(true)],
    ['fused plain SGD (momentum 0), 3 steps', sgdRun],
    ['fused Adam, 3 steps', adamRun],
  ] as const;
  for (const [name, run] of runs) {
    await tf.setBackend('webgpu');
    const gpuW = await run(true)();
    await tf.setBackend('cpu');
    const cpuW = await run(false)();
    results.push(compare(name, gpuW, cpuW, tolerance));
  }
  await tf.setBackend('webgpu');
  return results;
}
