/**
 * Our direct convolution (engine/train/backends/wasm-native/c/conv_forward.c) against tfjs's `cpu`
 * backend: Conv2D, and FusedConv2D with a bias and with bias + ReLU, at strides 1 and 2, 'same',
 * 'valid' and explicit padding, on odd sizes and channel counts (output channels not a multiple of
 * 8, widths not a multiple of 4: the tile's tails), on one thread and on every thread (a shape big
 * enough to split, checked). Each case checks that our kernel ran, not XNNPACK. Also ReLU and the
 * same-shape Add (c/elementwise.c), which tfjs runs on the caller alone; and matrix products by our
 * GEMM (c/gemm.c), transposed operands, odd sizes, batched and with a shared B.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directCalls, setDirectMode } from '../../../engine/train/backends/wasm-native/direct';
import type { Native } from '../../../engine/train/backends/wasm-native/runtime';
import { setWinogradMode } from '../../../engine/train/backends/wasm-native/winograd';
import { bindWasmNative, compute, expectClose, rand } from './helpers';

let native: Native;
let threadCounts: number[];

beforeAll(async () => {
  ({ native, threadCounts } = await bindWasmNative());
  setDirectMode('on'); // whoever owns the threads
  setWinogradMode('off'); // 3×3 stride-1 cases here are the direct kernel's too
});

afterAll(() => {
  native.setThreads(64);
  setDirectMode('auto');
  setWinogradMode('auto');
});

async function matchesCpu(label: string, f: () => tf.Tensor, big: boolean): Promise<void> {
  const expected = await compute('cpu', f);
  for (const threads of threadCounts) {
    native.setThreads(threads);
    const before = directCalls();
    const actual = await compute('wasm', f);
    expect(directCalls() - before, `${label}: our kernel ran`).toBe(1);
    expectClose(actual[0]!, expected[0]!, 1e-4, `${label}, ${threads} thread(s)`);
    if (big) expect(native.lastJobThreads(), `${label}: threads of the last job`).toBe(threads);
  }
}

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
const cases: [number[], number[], number, Pad, boolean][] = [
  [[2, 28, 28, 1], [5, 5, 1, 6], 1, 'same', false], // LeNet-5's first conv: 6 channels, padded to 8
  [[16, 14, 14, 6], [5, 5, 6, 16], 1, 'valid', true], // its second, split across threads
  [[3, 11, 9, 5], [3, 3, 5, 7], 2, 'same', false], // stride 2, odd sides and channels
  [[8, 14, 14, 16], [3, 3, 16, 32], 2, 'same', true], // ResNet-20's stage-2 entry
  [[4, 14, 14, 16], [1, 1, 16, 32], 2, 'valid', false], // its 1×1 projection
  [
    [2, 7, 10, 9],
    [2, 4, 9, 12],
    1,
    [
      [0, 0],
      [1, 0],
      [2, 1],
      [0, 0],
    ],
    false,
  ], // uneven filter, explicit padding
  [[2, 9, 9, 3], [3, 3, 3, 17], [1, 2] as unknown as number, 'same', false], // unequal strides
];

describe('Conv2D and FusedConv2D by our direct kernel', () => {
  for (const [xShape, fShape, strides, pad, big] of cases) {
    const co = fShape[3]!;
    it(`x ${xShape} filter ${fShape} strides ${strides} ${JSON.stringify(pad)}`, async () => {
      await matchesCpu('conv2d', () => tf.conv2d(rand(xShape, 1) as tf.Tensor4D, rand(fShape, 2) as tf.Tensor4D, strides, pad), big);
      for (const activation of ['linear', 'relu'] as const) {
        await matchesCpu(
          `fused ${activation}`,
          () =>
            tf.fused.conv2d({
              x: rand(xShape, 3) as tf.Tensor4D,
              filter: rand(fShape, 4) as tf.Tensor4D,
              strides,
              pad,
              bias: rand([co], 5),
              activation,
            }),
          big,
        );
      }
    });
  }
});

describe('ReLU and same-shape Add on our pool', () => {
  const shapes = [[3, 5, 7], [64, 28, 28, 8], [4099]];
  for (const shape of shapes) {
    it(`shape ${shape}: as cpu, NaN kept, split across threads when large`, async () => {
      const big = tf.util.sizeFromShape(shape) >= 1 << 17;
      const withNaN = () => {
        const v = rand(shape, 7).dataSync().slice();
        v[1] = NaN;
        v[2] = 0;
        return tf.tensor(v, shape);
      };
      const expected = await compute('cpu', () => [tf.relu(withNaN()), tf.add(withNaN(), rand(shape, 8))]);
      for (const threads of threadCounts) {
        native.setThreads(threads);
        const actual = await compute('wasm', () => [tf.relu(withNaN()), tf.add(withNaN(), rand(shape, 8))]);
        expect(Number.isNaN(actual[0]![1]!) && Number.isNaN(actual[1]![1]!), 'NaN kept').toBe(true);
        expected.forEach((e, i) => {
          const [a, b] = [actual[i]!.slice(), e.slice()];
          a[1] = b[1] = 0; // NaN ≠ NaN
          expectClose(a, b, 0, `${['relu', 'add'][i]}, ${threads} thread(s)`);
        });
        if (big) expect(native.lastJobThreads(), 'threads of the last job').toBe(threads);
      }
    });
  }
});

describe('BatchMatMul and _FusedMatMul by our GEMM', () => {
  // [a shape, b shape, transposeA, transposeB, big]
  const cases: [number[], number[], boolean, boolean, boolean][] = [
    [[64, 400], [400, 120], false, false, true], // LeNet-5's first dense layer at batch 64
    [[64, 84], [120, 84], false, true, false], // dy·Wᵀ, N not a multiple of 8
    [[64, 400], [64, 120], true, false, true], // xᵀ·dy
    [[7, 13], [13, 10], false, false, false], // rows not a multiple of 4, 10 classes
    [[3, 5, 9], [3, 9, 11], false, false, false], // batched
    [[2, 6, 7], [1, 7, 5], false, false, false], // one B for every batch
  ];
  for (const [aShape, bShape, ta, tb, big] of cases) {
    it(`a ${aShape}${ta ? 'ᵀ' : ''} · b ${bShape}${tb ? 'ᵀ' : ''}`, async () => {
      const n = tb ? bShape[bShape.length - 2]! : bShape[bShape.length - 1]!;
      await matchesCpu('matMul', () => tf.matMul(rand(aShape, 11), rand(bShape, 12), ta, tb), big);
      for (const activation of ['linear', 'relu'] as const) {
        await matchesCpu(
          `fused ${activation}`,
          () =>
            tf.fused.matMul({ a: rand(aShape, 13), b: rand(bShape, 14), transposeA: ta, transposeB: tb, bias: rand([n], 15), activation }),
          big,
        );
      }
    });
  }
});
