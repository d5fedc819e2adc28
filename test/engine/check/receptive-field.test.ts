/**
 * Receptive fields against brute force: set every weight to one, take the gradient of one output
 * unit with respect to the input, and measure the box of input pixels it depends on. Max pooling
 * is measured as average pooling (same window, but every pixel gets a gradient).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGraph } from '../../../engine/check/checkGraph';
import type { GraphDoc } from '../../../engine/graph/types';
import { pair } from '../../../engine/layers/params';
import { chain, graphOf } from '../../helpers/graphs';

type T4 = tf.Tensor4D;

function padded(x: T4, padding: unknown): [T4, 'valid' | 'same'] {
  if (typeof padding !== 'number') return [x, padding as 'valid' | 'same'];
  return [
    tf.pad(x, [
      [0, 0],
      [padding, padding],
      [padding, padding],
      [0, 0],
    ]),
    'valid',
  ];
}

/** All-ones kernel with explicit zeros between dilated taps (tfjs has no gradient for dilated conv). */
function onesKernel([kh, kw]: readonly number[], [dh, dw]: readonly number[], cin: number, filters: number): tf.Tensor4D {
  const [eh, ew] = [dh! * (kh! - 1) + 1, dw! * (kw! - 1) + 1];
  const k = tf.buffer([eh, ew, cin, filters]);
  for (let r = 0; r < eh; r += dh!)
    for (let c = 0; c < ew; c += dw!) for (let i = 0; i < cin; i++) for (let f = 0; f < filters; f++) k.set(1, r, c, i, f);
  return k.toTensor() as tf.Tensor4D;
}

/** Runs the graph with all-ones weights using plain tf ops, returning every node's output. */
function forward(doc: GraphDoc, x: T4): Map<string, T4> {
  const r = checkGraph(doc);
  const outs = new Map<string, T4>();
  for (const id of r.order) {
    const n = r.nodes[id]!;
    const p = n.resolvedParams;
    const ins = n.inputs.map((i) => outs.get(i)!);
    let y: T4;
    switch (n.type) {
      case 'input':
        y = x;
        break;
      case 'conv2d': {
        const [input, pad] = padded(ins[0]!, p.padding);
        y = tf.conv2d(
          input,
          onesKernel(pair(p.kernelSize), pair(p.dilation), ins[0]!.shape[3], p.filters as number),
          pair(p.strides) as [number, number],
          pad,
        );
        break;
      }
      case 'maxPool2d':
      case 'avgPool2d': {
        const [input, pad] = padded(ins[0]!, p.padding);
        y = tf.avgPool(input, pair(p.poolSize) as [number, number], pair(p.strides) as [number, number], pad);
        break;
      }
      case 'relu':
        y = ins[0]!;
        break;
      case 'add':
        y = tf.addN(ins);
        break;
      case 'upsample2d': {
        const [sh, sw] = pair(p.size);
        y = tf.image.resizeNearestNeighbor(ins[0]!, [ins[0]!.shape[1] * sh, ins[0]!.shape[2] * sw]);
        break;
      }
      default:
        throw new Error(`brute force does not model ${n.type}`);
    }
    outs.set(id, y);
  }
  return outs;
}

/** Bounding box [rowStart, rowEnd, colStart, colEnd] of the input pixels unit (i, j) of `node` depends on. */
function dependencyBox(doc: GraphDoc, node: string, i: number, j: number): [number, number, number, number] {
  const shape = doc.nodes[0]!.params.shape as number[];
  const g = tf.grad((x: tf.Tensor) => {
    const y = forward(doc, x as T4).get(node)!;
    return y.slice([0, i, j, 0], [1, 1, 1, y.shape[3]]).sum();
  })(tf.ones([1, ...shape]));
  const data = g.dataSync();
  const [h, w, c] = shape as [number, number, number];
  let box: [number, number, number, number] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let r = 0; r < h; r++)
    for (let q = 0; q < w; q++)
      for (let k = 0; k < c; k++)
        if (data[(r * w + q) * c + k]! !== 0) box = [Math.min(box[0], r), Math.max(box[1], r), Math.min(box[2], q), Math.max(box[3], q)];
  return box;
}

function expectFieldMatchesBruteForce(doc: GraphDoc, node: string, i: number, j: number) {
  const rf = checkGraph(doc).nodes[node]!.receptiveField!;
  const a = dependencyBox(doc, node, i, j);
  const b = dependencyBox(doc, node, i + 1, j + 1);
  expect([a[1] - a[0] + 1, a[3] - a[2] + 1]).toEqual([...rf.size]);
  expect([b[0] - a[0], b[2] - a[2]]).toEqual([...rf.jump]);
  // Centre of unit (i, j)'s field is start + i·jump.
  expect([(a[0] + a[1]) / 2, (a[2] + a[3]) / 2]).toEqual([rf.start[0] + i * rf.jump[0], rf.start[1] + j * rf.jump[1]]);
}

describe('receptive fields', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    [3, 2],
    [5, 2],
    [5, 3],
    [7, 2],
  ])("the lecture's rule: a K×K conv (K = %i) then a P×P pool (P = %i) sees a K+P−1 patch", (k, p) => {
    const doc = chain(
      ['in', 'input', { shape: [24, 24, 1] }],
      ['c', 'conv2d', { filters: 1, kernelSize: k }],
      ['p', 'maxPool2d', { poolSize: p }],
    );
    expect(checkGraph(doc).nodes.p!.receptiveField!.size).toEqual([k + p - 1, k + p - 1]);
    expectFieldMatchesBruteForce(doc, 'p', 2, 2);
  });

  it('matches brute force through strides, "same" and int padding, dilation and rectangles', () => {
    const doc = chain(
      ['in', 'input', { shape: [48, 48, 2] }],
      ['c1', 'conv2d', { filters: 2, kernelSize: 3, padding: 'same' }],
      ['c2', 'conv2d', { filters: 2, kernelSize: [3, 5], strides: 2, padding: 'same' }],
      ['p1', 'avgPool2d', { poolSize: 3, strides: 1, padding: 1 }],
      ['c3', 'conv2d', { filters: 2, kernelSize: 3, dilation: 2 }],
      ['c4', 'conv2d', { filters: 1, kernelSize: 4, strides: [1, 2], padding: 2 }],
    );
    expect(checkGraph(doc).ok).toBe(true);
    for (const node of ['c2', 'p1', 'c3', 'c4']) expectFieldMatchesBruteForce(doc, node, 4, 4);
  });

  it('takes the larger field at a residual add', () => {
    const doc = graphOf(
      [
        ['in', 'input', { shape: [32, 32, 1] }],
        ['stem', 'conv2d', { filters: 2, kernelSize: 3, padding: 'same' }],
        ['a', 'conv2d', { filters: 2, kernelSize: 3, padding: 'same' }],
        ['b', 'conv2d', { filters: 2, kernelSize: 3, padding: 'same' }],
        ['sum', 'add'],
        ['pool', 'maxPool2d', {}],
      ],
      [
        ['in', 'stem'],
        ['stem', 'a'],
        ['a', 'b'],
        ['b', 'sum', 0],
        ['stem', 'sum', 1],
        ['sum', 'pool'],
      ],
    );
    expect(checkGraph(doc).nodes.sum!.receptiveField!.size).toEqual([7, 7]);
    expectFieldMatchesBruteForce(doc, 'sum', 8, 8);
    expectFieldMatchesBruteForce(doc, 'pool', 5, 5);
  });

  it('follows nearest upsampling (jump shrinks, size stays)', () => {
    const doc = chain(
      ['in', 'input', { shape: [16, 16, 1] }],
      ['c', 'conv2d', { filters: 1, kernelSize: 3, strides: 2 }],
      ['u', 'upsample2d', { size: 2 }],
    );
    const rf = checkGraph(doc).nodes.u!.receptiveField!;
    expect(rf.size).toEqual([3, 3]);
    expect(rf.jump).toEqual([1, 1]);
    // Two neighbouring upsampled units that copy one source unit see the same box.
    expect(dependencyBox(doc, 'u', 4, 4)).toEqual(dependencyBox(doc, 'u', 5, 5));
  });

  it('becomes null once the tensor is no longer spatial', () => {
    const doc = chain(
      ['in', 'input', { shape: [8, 8, 1] }],
      ['c', 'conv2d', { filters: 1, kernelSize: 3 }],
      ['f', 'flatten'],
      ['d', 'dense', { units: 2 }],
    );
    const r = checkGraph(doc);
    expect(r.nodes.c!.receptiveField).not.toBeNull();
    expect(r.nodes.f!.receptiveField).toBeNull();
    expect(r.nodes.d!.receptiveField).toBeNull();
  });
});
