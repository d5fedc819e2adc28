/**
 * NetCanvas's own WebAssembly kernels (engine/train/backends/wasm-native) against the pure-JS
 * `cpu` backend: forward and gradient, on odd shapes (SIMD tails), each on one thread and on every
 * thread the pool has (shapes large enough that the job is split: `lastJobThreads` proves it).
 * Also: the committed module is built from the committed C, and every kernel falls back to tfjs's
 * route when ours are off.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../engine/train/backends/select';
import { wasmAcceleration } from '../../../engine/train/backends/wasm-native/acceleration';
import { batchNormTraining } from '../../../engine/train/backends/wasm-native/batchnorm';
import { sourceHash } from '../../../engine/train/backends/wasm-native/build';
import { wasmCrossEntropy } from '../../../engine/train/backends/wasm-native/cross-entropy';
import { SOURCE_HASH } from '../../../engine/train/backends/wasm-native/module.generated';
import { nativeFor, setNativeKernelsEnabled, type Native } from '../../../engine/train/backends/wasm-native/runtime';
import { compute, expectClose, rand } from './helpers';

let native: Native;
/** 1, and the pool's size where it has more than one thread. */
let threadCounts: number[];

beforeAll(async () => {
  await selectBackend('wasm');
  native = nativeFor(tf.backend())!;
  expect(native, 'NetCanvas kernels bound to tfjs-backend-wasm').not.toBeNull();
  const most = native.setThreads(64);
  threadCounts = most > 1 ? [1, most] : [1];
});

afterAll(() => {
  native.setThreads(64);
  setNativeKernelsEnabled(true);
});

/** Runs `f` on cpu, then on wasm with each thread count; `big`: the wasm job must have been split. */
async function matchesCpu(label: string, f: () => tf.Tensor | tf.Tensor[], big: boolean, tol = 1e-4): Promise<void> {
  const expected = await compute('cpu', f);
  for (const threads of threadCounts) {
    native.setThreads(threads);
    const actual = await compute('wasm', f);
    expected.forEach((e, i) => expectClose(actual[i]!, e, tol, `${label}, ${threads} thread(s), output ${i}`));
    if (big) expect(native.lastJobThreads(), `${label}: threads of the last job`).toBe(threads);
  }
}

/** A scalar whose gradient in each input is `dy` (seeded): Σ f(x)·dy. */
const weighted = (y: tf.Tensor, seed: number) => tf.sum(tf.mul(y, rand(y.shape, seed)));

describe('the module', () => {
  it('is built from the committed C sources (npm run build:wasm; CI rebuilds it byte for byte)', () => {
    expect(SOURCE_HASH).toBe(sourceHash());
  });
});

describe('Conv2DBackpropFilter (direct, SIMD)', () => {
  const cases: [number[], number[], number, 'same' | 'valid', boolean][] = [
    [[2, 7, 9, 3], [3, 3, 3, 5], 1, 'same', false],
    [[3, 11, 10, 6], [5, 5, 6, 7], 2, 'valid', false],
    [[5, 17, 15, 6], [3, 3, 6, 9], 1, 'same', true],
    [[8, 32, 31, 16], [1, 1, 16, 33], 2, 'valid', true], // a 1×1 stride-2 projection
  ];
  for (const [xShape, fShape, strides, pad, big] of cases) {
    it(`x ${xShape} filter ${fShape} strides ${strides} ${pad}`, async () => {
      const info = tf.backend_util.computeConv2DInfo(xShape as never, fShape as never, strides, 1, pad);
      await matchesCpu(
        'dW',
        () =>
          tf
            .engine()
            .runKernel(
              'Conv2DBackpropFilter',
              { x: rand(xShape, 1), dy: rand(info.outShape, 2) },
              { strides, pad, dataFormat: 'NHWC', filterShape: fShape },
            ) as tf.Tensor,
        big,
      );
    });
  }
});

describe('Conv2DBackpropInput (direct, SIMD; strides by phases)', () => {
  const cases: [number[], number[], 'same' | 'valid', boolean, number | [number, number]][] = [
    [[2, 14, 14, 6], [5, 5, 6, 16], 'valid', true, 1], // LeNet-5's second conv
    [[2, 7, 9, 3], [3, 3, 3, 5], 'same', false, 1],
    [[3, 10, 6, 9], [5, 5, 9, 7], 'same', false, 1], // ci over 8, odd co
    [[1, 5, 5, 1], [2, 4, 1, 3], 'same', false, 1], // uneven filter
    [[16, 14, 14, 8], [5, 5, 8, 16], 'valid', true, 1], // the Fashion CNN's, split across threads
    [[8, 28, 28, 16], [3, 3, 16, 32], 'same', true, 2], // ResNet-20's stage-2 entry
    [[2, 13, 11, 5], [3, 3, 5, 7], 'same', false, 2], // odd sides: phases of unequal length
    [[3, 9, 10, 3], [3, 3, 3, 6], 'valid', false, 2], // rows no window reaches
    [[4, 14, 14, 16], [1, 1, 16, 32], 'valid', false, 2], // a 1×1 projection: 3 of 4 phases are zero
    [[2, 12, 11, 4], [5, 4, 4, 9], 'same', false, [3, 2]], // strides above the filter's half, unequal
  ];
  for (const [xShape, fShape, pad, big, strides] of cases) {
    it(`x ${xShape} filter ${fShape} ${pad} strides ${strides}`, async () => {
      const info = tf.backend_util.computeConv2DInfo(xShape as never, fShape as never, strides, 1, pad);
      await matchesCpu(
        'dx',
        () =>
          tf
            .engine()
            .runKernel(
              'Conv2DBackpropInput',
              { dy: rand(info.outShape, 3), filter: rand(fShape, 4) },
              { strides, pad, dataFormat: 'NHWC', inputShape: xShape },
            ) as tf.Tensor,
        big,
      );
    });
  }
});

describe('MaxPoolGrad', () => {
  for (const [shape, big] of [
    [[2, 9, 7, 3], false],
    [[5, 33, 31, 13], true],
  ] as const) {
    it(`x ${shape}, 3×3 stride 2 same`, async () => {
      await matchesCpu(
        'dx',
        () => tf.grad((x: tf.Tensor) => weighted(tf.maxPool(x as tf.Tensor4D, 3, 2, 'same'), 4))(rand([...shape], 3)),
        big,
      );
    });
  }
});

describe('ReLU gradient', () => {
  for (const [shape, big] of [
    [[3, 5, 7, 3], false],
    [[7, 23, 29, 31], true],
  ] as const) {
    it(`x ${shape} (with exact zeros)`, async () => {
      const x = () => tf.relu(rand([...shape], 5)).sub(tf.relu(rand([...shape], 6))); // many exact zeros
      await matchesCpu('dx', () => tf.grad((v: tf.Tensor) => weighted(tf.relu(v), 7))(x()), big);
    });
  }
});

describe('Sum and Mean over middle axes, and their gradients', () => {
  for (const [shape, big] of [
    [[3, 5, 7, 3], false],
    [[7, 23, 29, 31], true],
  ] as const) {
    it(`bias gradient (axes 0–2) and global average pool (axes 1–2) of ${shape}`, async () => {
      const x = () => rand([...shape], 8);
      await matchesCpu('sum 0–2', () => tf.sum(x(), [0, 1, 2]), big);
      await matchesCpu('mean 1–2, keepDims', () => tf.mean(x(), [1, 2], true), big);
      await matchesCpu('d mean 1–2', () => tf.grad((v: tf.Tensor) => weighted(tf.mean(v, [1, 2]), 9))(x()), big);
      await matchesCpu('d sum 0–2', () => tf.grad((v: tf.Tensor) => weighted(tf.sum(v, [0, 1, 2]), 10))(x()), big);
    });
  }
  it('other reductions keep the stock kernels (last axis, all axes, int32)', async () => {
    await matchesCpu('sum last', () => tf.sum(rand([4, 5, 6], 11), -1), false);
    await matchesCpu('mean all', () => tf.mean(rand([4, 5, 6], 12)), false);
    await matchesCpu('sum int32', () => tf.sum(tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32'), 1).cast('float32'), false);
  });
});

describe('training batch norm (forward, statistics, gradients)', () => {
  /** tfjs ops, the definition: the reference on cpu. */
  function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number) {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    const inv = tf.rsqrt(tf.add(variance, eps));
    return { y: tf.add(tf.mul(tf.mul(tf.sub(x, mean), inv), gamma), beta), stats: tf.stack([mean, inv, variance]) };
  }
  for (const [shape, big] of [
    [[3, 5, 7, 5], false],
    [[2, 6], false], // after a dense layer
    [[5, 19, 23, 37], true],
  ] as const) {
    it(`x ${shape}`, async () => {
      const c = shape[shape.length - 1]!;
      const f = () => {
        const onWasm = tf.getBackend() === 'wasm';
        const op = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => (onWasm ? batchNormTraining(x, g, b, 1e-3) : reference(x, g, b, 1e-3));
        const x = tf.add(tf.mul(rand([...shape], 13), 3), 0.5);
        const gamma = tf.add(rand([c], 14), 1);
        const beta = rand([c], 15);
        const { y, stats } = op(x, gamma, beta);
        const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => weighted(op(a, b, d).y, 16))([x, gamma, beta]);
        return [y, stats, ...grads];
      };
      await matchesCpu('batch norm [y, stats, dx, dγ, dβ]', f, big, 2e-4);
    });
  }
});

describe('softmax cross-entropy from class indices', () => {
  it('loss and gradient match tfjs’s oneHot + softmaxCrossEntropy', async () => {
    const f = () => {
      const logits = tf.mul(rand([37, 11], 17), 6);
      const labels = tf.tensor1d(
        Array.from({ length: 37 }, (_, i) => (i * 7) % 11),
        'int32',
      );
      const loss = (z: tf.Tensor) =>
        tf.getBackend() === 'wasm'
          ? wasmCrossEntropy(labels, z, 11)
          : (tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 11), z) as tf.Scalar);
      return [loss(logits), tf.grad((z: tf.Tensor) => tf.mul(loss(z), 3))(logits)];
    };
    await matchesCpu('[loss, dlogits]', f, false);
  });
});

describe('optimizers, in place', () => {
  const adam = { adamBeta1: 0.9, adamBeta2: 0.999, adamEpsilon: 1e-7 };
  const configs = [
    { optimizer: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false, ...adam },
    { optimizer: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: false, ...adam },
    { optimizer: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true, ...adam },
    { optimizer: 'adam', learningRate: 0.01, momentum: 0, nesterov: false, ...adam },
    { optimizer: 'adam', learningRate: 0.02, momentum: 0, nesterov: false, adamBeta1: 0.8, adamBeta2: 0.99, adamEpsilon: 1e-3 },
  ] as const;
  const reference = (c: (typeof configs)[number]): tf.Optimizer =>
    c.optimizer === 'adam'
      ? tf.train.adam(c.learningRate, c.adamBeta1, c.adamBeta2, c.adamEpsilon)
      : c.momentum > 0
        ? tf.train.momentum(c.learningRate, c.momentum, c.nesterov)
        : tf.train.sgd(c.learningRate);

  type Slots = Partial<Record<'accumulations' | 'accumulatedFirstMoment' | 'accumulatedSecondMoment', { variable: tf.Variable }[]>>;
  let made = 0;
  /** Three steps on a small and a large (threaded) variable; the weights and every slot after. */
  const threeSteps = (c: (typeof configs)[number]) => () => {
    const opt = tf.getBackend() === 'wasm' ? wasmAcceleration()!.buildOptimizer(c) : reference(c);
    const vars = [tf.variable(rand([5], 20), true, `w${++made}`), tf.variable(rand([140001], 21), true, `w${++made}`)];
    for (let step = 0; step < 3; step++) {
      opt.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, tf.mul(rand(v.shape, 30 + step + i), 1 + step)])));
    }
    const slots = opt as unknown as Slots;
    const out = [
      ...vars,
      ...[slots.accumulations, slots.accumulatedFirstMoment, slots.accumulatedSecondMoment].flatMap((l) =>
        (l ?? []).map((s) => s.variable),
      ),
    ].map((v) => v.clone());
    tf.dispose(vars);
    opt.dispose();
    return out;
  };
  for (const c of configs) {
    it(`${c.optimizer}${c.momentum > 0 ? ` momentum${c.nesterov ? ' Nesterov' : ''}` : ''}${c.optimizer === 'adam' ? ` β ${c.adamBeta1}/${c.adamBeta2} ε ${c.adamEpsilon}` : ''}: weights and slots as tf.train’s`, async () => {
      await matchesCpu('[weights, slots]', threeSteps(c), true, 1e-5);
    });
  }

  it('a step that would overflow writes nothing, and clones of a weight never see in-place writes', async () => {
    await tf.setBackend('wasm');
    native.setThreads(64);
    const opt = wasmAcceleration()!.buildOptimizer(configs[3]!) as tf.Optimizer & {
      applyGradientsUnlessOverflow(g: tf.NamedTensorMap): boolean;
    };
    const w = tf.variable(tf.tensor1d([1, 2, 3]), true, 'overflow-w');
    const big = tf.variable(rand([140001], 22), true, 'overflow-big');
    const before = [...w.dataSync(), ...big.dataSync()];
    const snapshot = tf.clone(w); // shares w's data (Identity): the in-place update must copy first
    expect(opt.applyGradientsUnlessOverflow({ [w.name]: tf.tensor1d([1, 1, 1]), [big.name]: tf.fill([140001], 1e39 as number) })).toBe(
      false,
    );
    expect([...w.dataSync(), ...big.dataSync()]).toEqual(before);
    expect(opt.applyGradientsUnlessOverflow({ [w.name]: tf.tensor1d([1, 1, 1]), [big.name]: tf.zeros([140001]) })).toBe(true);
    expect(w.dataSync()[0]).toBeLessThan(1);
    expect([...snapshot.dataSync()]).toEqual([1, 2, 3]);
    tf.dispose([w, big, snapshot]);
    opt.dispose();
  });
});

describe('without our kernels (off, or another backend)', () => {
  it('everything takes tfjs’s route and gives the same numbers', async () => {
    const f = () => {
      const x = rand([3, 6, 5, 4], 40);
      const dx = tf.grad((v: tf.Tensor) => weighted(tf.mean(tf.relu(tf.maxPool(v as tf.Tensor4D, 2, 2, 'same')), [1, 2]), 41))(x);
      return [tf.sum(x, [0, 1, 2]), dx];
    };
    const withOurs = await compute('wasm', f);
    setNativeKernelsEnabled(false);
    try {
      expect(nativeFor(tf.backend())).toBeNull();
      expect(wasmAcceleration()).toBeNull();
      const stock = await compute('wasm', f);
      stock.forEach((s, i) => expectClose(withOurs[i]!, s, 1e-5, `output ${i}`));
    } finally {
      setNativeKernelsEnabled(true);
    }
  });
});
