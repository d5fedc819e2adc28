/**
 * Our Winograd F(2×2, 3×3) convolution (engine/train/backends/wasm-native/c/winograd.c) against
 * tfjs's `cpu` backend: the forward conv (Conv2D, FusedConv2D with a bias), the input gradient
 * (Conv2DBackpropInput) and the filter gradient (Conv2DBackpropFilter, c/winograd_filter.c), 'same' and 'valid', on odd sizes and channel counts (the SIMD tails: ci
 * and co not multiples of 4 or 8, odd heights and widths, so partial 2×2 tiles), on one thread and
 * on every thread (a shape big enough to split, checked). Each case also checks that our kernel
 * ran, not XNNPACK.
 *
 * Tolerance 1e-4 of max(1, max |y|), as for the other kernels: F(2×2, 3×3)'s transforms only add,
 * subtract and halve, so its rounding grows like a direct sum's; bench/cpu/winograd.ts measures
 * ≤ 1.2e-6 of max |y| against XNNPACK on the models' layers (ci up to 64, 9·ci terms per output).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Native } from '../../../engine/train/backends/wasm-native/runtime';
import { setWinogradMode, winogradCalls, winogradFilterWins, winogradWins } from '../../../engine/train/backends/wasm-native/winograd';
import { bindWasmNative, compute, expectClose, rand } from './helpers';

let native: Native;
let threadCounts: number[];

beforeAll(async () => {
  ({ native, threadCounts } = await bindWasmNative());
  setWinogradMode('on'); // small shapes too, where 'auto' would keep XNNPACK
});

afterAll(() => {
  native.setThreads(64);
  setWinogradMode('auto');
});

/** `f` on cpu, then on wasm on each thread count: equal, through our kernel, split when `big`. */
async function matchesCpu(label: string, f: () => tf.Tensor, big: boolean): Promise<void> {
  const expected = await compute('cpu', f);
  for (const threads of threadCounts) {
    native.setThreads(threads);
    const before = winogradCalls();
    const actual = await compute('wasm', f);
    expect(winogradCalls() - before, `${label}: our kernel ran`).toBe(1);
    expectClose(actual[0]!, expected[0]!, 1e-4, `${label}, ${threads} thread(s)`);
    if (big) expect(native.lastJobThreads(), `${label}: threads of the last job`).toBe(threads);
  }
}

type Case = [x: number[], co: number, pad: 'same' | 'valid', big: boolean];
const cases: Case[] = [
  [[2, 7, 9, 5], 11, 'same', false],
  [[3, 8, 7, 9], 6, 'valid', false],
  [[1, 5, 5, 1], 3, 'same', false],
  [[2, 3, 4, 7], 2, 'valid', false], // one output row: every tile partial
  [[9, 15, 13, 12], 17, 'same', true],
  [[8, 14, 13, 16], 12, 'valid', true],
];

describe('Winograd F(2×2, 3×3) forward conv', () => {
  for (const [xShape, co, pad, big] of cases) {
    const ci = xShape[3]!;
    it(`x ${xShape} → ${co} channels, ${pad}`, async () => {
      await matchesCpu('conv2d', () => tf.conv2d(rand(xShape, 1) as tf.Tensor4D, rand([3, 3, ci, co], 2) as tf.Tensor4D, 1, pad), big);
    });
  }
  it('FusedConv2D with a bias', async () => {
    const f = () =>
      tf.fused.conv2d({
        x: rand([4, 9, 10, 6], 3) as tf.Tensor4D,
        filter: rand([3, 3, 6, 13], 4) as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        bias: rand([13], 5),
      });
    await matchesCpu('fused conv2d', f, false);
  });
  it('keeps XNNPACK where it does not apply (stride 2, 5×5, dilation 2, relu)', async () => {
    const x = () => rand([2, 9, 9, 8], 6) as tf.Tensor4D;
    const runs: [string, () => tf.Tensor][] = [
      ['stride 2', () => tf.conv2d(x(), rand([3, 3, 8, 8], 7) as tf.Tensor4D, 2, 'same')],
      ['5×5', () => tf.conv2d(x(), rand([5, 5, 8, 8], 7) as tf.Tensor4D, 1, 'same')],
      ['dilation 2', () => tf.conv2d(x(), rand([3, 3, 8, 8], 7) as tf.Tensor4D, 1, 'same', 'NHWC', 2)],
      [
        'relu',
        () => tf.fused.conv2d({ x: x(), filter: rand([3, 3, 8, 8], 7) as tf.Tensor4D, strides: 1, pad: 'same', activation: 'relu' }),
      ],
    ];
    for (const [label, f] of runs) {
      const expected = await compute('cpu', f);
      const before = winogradCalls();
      const actual = await compute('wasm', f);
      expect(winogradCalls(), label).toBe(before);
      expectClose(actual[0]!, expected[0]!, 1e-4, label);
    }
  });
});

describe('Winograd F(2×2, 3×3) gradients', () => {
  /** dx (Conv2DBackpropInput) or dW (Conv2DBackpropFilter) of a 3×3 stride-1 conv of x with co channels. */
  const gradient = (input: boolean, xShape: number[], co: number, pad: 'same' | 'valid') => () => {
    const ci = xShape[3]!;
    const info = tf.backend_util.computeConv2DInfo(xShape as never, [3, 3, ci, co], 1, 1, pad);
    const dy = rand(info.outShape, 8);
    const attrs = { strides: 1, pad, dataFormat: 'NHWC' };
    return (
      input
        ? tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: rand([3, 3, ci, co], 9) }, { ...attrs, inputShape: xShape })
        : tf.engine().runKernel('Conv2DBackpropFilter', { x: rand(xShape, 10), dy }, { ...attrs, filterShape: [3, 3, ci, co] })
    ) as tf.Tensor;
  };
  for (const [xShape, co, pad, big] of cases) {
    it(`input gradient: x ${xShape}, dy with ${co} channels, ${pad}`, async () => {
      await matchesCpu('dx', gradient(true, xShape, co, pad), big);
    });
    it(`filter gradient: x ${xShape}, dy with ${co} channels, ${pad}`, async () => {
      await matchesCpu('dW', gradient(false, xShape, co, pad), big);
    });
  }
});

describe('where it runs by default', () => {
  it('only where it beat XNNPACK (forward, input gradient) or our direct filter gradient in bench/cpu/winograd.ts', () => {
    expect(winogradWins(16, 16)).toBe(true);
    expect(winogradWins(64, 64)).toBe(true);
    expect([winogradWins(8, 8), winogradWins(3, 32), winogradWins(1, 16)]).toEqual([false, false, false]);
    expect([winogradFilterWins(32, 32), winogradFilterWins(64, 64)]).toEqual([true, true]);
    expect([winogradFilterWins(16, 16), winogradFilterWins(3, 32)]).toEqual([false, false]);
  });
});
