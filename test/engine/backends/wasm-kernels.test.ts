/**
 * Every kernel we register or replace for `wasm` against the pure-JS `cpu` backend, on
 * seeded random inputs over shapes, strides, paddings (valid, same, explicit) and layouts.
 * (Dilation is no attribute of the backprop kernels: tfjs refuses dilated conv gradients
 * before reaching them. The dilated Conv2D that Conv2DBackpropFilter relies on is checked.)
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../engine/train/backends/select';
import { registerWasmTrainingKernels } from '../../../engine/train/backends/wasm-kernels/index';
import { compute, expectClose, expectKernelMatchesCpu, rand } from './helpers';

type Pad = 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]];
const explicit = (t: number, b: number, l: number, r: number): Pad => [
  [0, 0],
  [t, b],
  [l, r],
  [0, 0],
];

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('registration', () => {
  it('adds Conv2DBackpropFilter, replaces the slow/wrong stock kernels, delegates the rest', () => {
    const r = registerWasmTrainingKernels();
    expect(r.added).toEqual(['Conv2DBackpropFilter']);
    expect(r.replaced.sort()).toEqual([
      'Add',
      'BatchMatMul',
      'Conv2D',
      'Conv2DBackpropInput',
      'FusedConv2D',
      'Identity',
      'MaxPoolGrad',
      'Mean',
      'Relu',
      'Sum',
      '_FusedMatMul',
    ]);
    expect(r.delegated).toContain('DepthwiseConv2dNativeBackpropFilter');
    for (const k of [...r.added, ...r.replaced, ...r.delegated]) expect(tf.getKernel(k, 'wasm')).toBeDefined();
  });
});

describe('Conv2DBackpropFilter', () => {
  const cases: [number[], number[], number | [number, number], Pad][] = [
    [[2, 7, 7, 3], [3, 3, 3, 4], 1, 'same'],
    [[2, 7, 7, 3], [3, 3, 3, 4], 1, 'valid'],
    [[3, 9, 8, 2], [3, 3, 2, 5], 2, 'valid'], // last row/column unused: input is cropped
    [[2, 8, 8, 2], [3, 3, 2, 3], 2, 'same'],
    [[2, 10, 9, 1], [5, 5, 1, 6], 3, 'same'],
    [[1, 11, 7, 2], [4, 2, 2, 3], [2, 1], 'valid'],
    [[2, 6, 6, 3], [3, 3, 3, 2], 1, explicit(1, 2, 0, 1)],
    [[2, 7, 7, 2], [3, 3, 2, 2], 2, explicit(2, 0, 1, 1)],
    [[4, 28, 28, 1], [5, 5, 1, 6], 1, 'same'], // LeNet's first layer
  ];
  for (const [xShape, fShape, strides, pad] of cases) {
    it(`x ${xShape} filter ${fShape} strides ${strides} pad ${JSON.stringify(pad)}`, async () => {
      const info = tf.backend_util.computeConv2DInfo(xShape as never, fShape as never, strides, 1, pad as never);
      await expectKernelMatchesCpu(
        'Conv2DBackpropFilter',
        { x: () => rand(xShape, 1), dy: () => rand(info.outShape, 2) },
        { strides, pad, dataFormat: 'NHWC', filterShape: fShape },
        'dW',
      );
    });
  }

  it('NCHW layout', async () => {
    const xShape = [2, 3, 7, 6];
    const fShape = [3, 3, 3, 4];
    const info = tf.backend_util.computeConv2DInfo(xShape as never, fShape as never, 2, 1, 'same', undefined, false, 'channelsFirst');
    await expectKernelMatchesCpu(
      'Conv2DBackpropFilter',
      { x: () => rand(xShape, 3), dy: () => rand(info.outShape, 4) },
      { strides: 2, pad: 'same', dataFormat: 'NCHW', filterShape: fShape },
      'dW NCHW',
    );
  });

  it('the dilated Conv2D it is built on matches cpu', async () => {
    for (const dilations of [1, 2, 3]) {
      await expectKernelMatchesCpu(
        'Conv2D',
        { x: () => rand([2, 12, 11, 3], 5), filter: () => rand([3, 3, 3, 4], 6) },
        { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations },
        `conv dilation ${dilations}`,
      );
    }
  });
});

describe('Conv2DBackpropInput', () => {
  const cases: [number[], number[], number | [number, number], Pad][] = [
    [[2, 7, 7, 3], [3, 3, 3, 4], 1, 'same'],
    [[2, 14, 14, 6], [5, 5, 6, 16], 1, 'valid'],
    [[3, 9, 8, 2], [3, 3, 2, 5], 2, 'valid'],
    [[2, 8, 8, 2], [3, 3, 2, 3], 2, 'same'],
    [[2, 10, 9, 1], [5, 5, 1, 6], 3, 'same'],
    [[1, 11, 7, 2], [4, 2, 2, 3], [2, 1], 'valid'],
    [[2, 6, 6, 3], [3, 3, 3, 2], 1, explicit(1, 2, 0, 1)],
    [[2, 7, 7, 2], [3, 3, 2, 2], 2, explicit(2, 0, 1, 1)],
    [[1, 6, 6, 2], [2, 2, 2, 2], 1, explicit(3, 0, 0, 0)], // padding > filter − 1: stock kernel
  ];
  for (const [xShape, fShape, strides, pad] of cases) {
    it(`x ${xShape} filter ${fShape} strides ${strides} pad ${JSON.stringify(pad)}`, async () => {
      const info = tf.backend_util.computeConv2DInfo(xShape as never, fShape as never, strides, 1, pad as never);
      await expectKernelMatchesCpu(
        'Conv2DBackpropInput',
        { dy: () => rand(info.outShape, 7), filter: () => rand(fShape, 8) },
        { strides, pad, dataFormat: 'NHWC', inputShape: xShape },
        'dx',
      );
    });
  }
});

describe('MaxPoolGrad', () => {
  const cases: [number[], number, number, Pad | 'same' | 'valid'][] = [
    [[2, 8, 8, 3], 2, 2, 'valid'],
    [[2, 7, 7, 2], 2, 2, 'valid'],
    [[2, 7, 7, 2], 3, 2, 'same'],
    [[1, 6, 6, 4], 3, 1, 'same'],
    [[2, 9, 7, 1], 3, 3, 'valid'],
    [[2, 6, 6, 2], 2, 2, explicit(1, 1, 0, 1)],
  ];
  for (const [shape, k, s, pad] of cases) {
    for (const [label, offset] of [
      ['mixed sign', 0],
      ['all negative', -2],
    ] as const) {
      it(`x ${shape} k ${k} s ${s} pad ${JSON.stringify(pad)} (${label})`, async () => {
        const x = () => tf.add(rand(shape, 11), offset);
        const fwd = () => tf.maxPool(x() as tf.Tensor4D, k, s, pad as never);
        const outShape = tf.tidy(() => fwd().shape);
        await expectKernelMatchesCpu(
          'MaxPoolGrad',
          { dy: () => rand(outShape, 12), input: x, output: fwd },
          { filterSize: k, strides: s, pad },
          'dx',
        );
      });
    }
  }

  it('ties go to the first maximum, as on cpu (relu zeros, upsampled inputs)', async () => {
    const x = () => tf.tensor4d([0, 0, 0, 0, 3, 3, 1, 1, 0, 0, 0, 0, 3, 3, 1, 1], [1, 4, 4, 1]);
    const dy = () => tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    await expectKernelMatchesCpu(
      'MaxPoolGrad',
      { dy, input: x, output: () => tf.maxPool(x(), 2, 2, 'valid') },
      { filterSize: 2, strides: 2, pad: 'valid' },
      'ties',
    );
  });
});

describe('BatchMatMul / _FusedMatMul with transposes', () => {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`2-D transposeA ${ta} transposeB ${tb}`, async () => {
      const a = () => rand(ta ? [37, 19] : [19, 37], 21);
      const b = () => rand(tb ? [23, 37] : [37, 23], 22);
      await expectKernelMatchesCpu('BatchMatMul', { a, b }, { transposeA: ta, transposeB: tb }, 'matmul');
    });
  }

  it('batched (rank 3) with transposes', async () => {
    await expectKernelMatchesCpu(
      'BatchMatMul',
      { a: () => rand([3, 8, 5], 23), b: () => rand([3, 6, 8], 24) },
      { transposeA: true, transposeB: true },
      'batched',
    );
  });

  it('fused with bias and relu, transposed operands', async () => {
    const run = () =>
      tf.fused.matMul({
        a: rand([16, 9], 25),
        b: rand([12, 16], 26),
        transposeA: true,
        transposeB: true,
        bias: rand([12], 27),
        activation: 'relu',
      });
    expectClose((await compute('wasm', run))[0]!, (await compute('cpu', run))[0]!, 1e-4, 'fused');
  });
});

describe('kernels delegated to cpu', () => {
  it('DepthwiseConv2dNativeBackpropFilter runs on wasm and matches cpu', async () => {
    await expectKernelMatchesCpu(
      'DepthwiseConv2dNativeBackpropFilter',
      { x: () => rand([2, 6, 6, 3], 31), dy: () => rand([2, 6, 6, 3], 32) },
      { strides: 1, pad: 'same', dilations: 1, filterShape: [3, 3, 3, 1] },
      'depthwise dW',
    );
  });

  it('UnsortedSegmentSum (int32 input) runs on wasm and matches cpu', async () => {
    await expectKernelMatchesCpu(
      'UnsortedSegmentSum',
      { x: () => rand([6, 4], 33), segmentIds: () => tf.tensor1d([0, 2, 0, 1, 2, 2], 'int32') },
      { numSegments: 3 },
      'segment sum',
    );
  });
});
