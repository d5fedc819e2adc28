/**
 * Hand-set conv filters: each preset is its formula, applied to each input channel on its own; the
 * checker frozen-counts them and names a misfit with its fix; the exports keep their values and mark
 * frozen nodes (PyTorch `requires_grad_(False)`, Keras `trainable=False`, tfjs `trainable = false`).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGraph } from '../../../engine/check/checkGraph';
import { compileGraph } from '../../../engine/compile';
import { exportGraph } from '../../../engine/export';
import { setTrainable } from '../../../engine/graph/edits';
import { freezeThrough } from '../../../engine/graph/freeze';
import type { GraphDoc } from '../../../engine/graph/types';
import { perChannelKernel, presetFilter } from '../../../engine/layers/kernels';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function chain(nodes: [string, string, Record<string, unknown>, Record<string, unknown>?][]): GraphDoc {
  return {
    format: 'netcanvas.graph',
    version: 1,
    name: 'filters',
    nodes: nodes.map(([id, type, params, extra]) => ({ id, type, params, ...extra })),
    edges: nodes.slice(1).map(([id], i) => ({ source: nodes[i]![0], target: id })),
  };
}
const filterNet = (conv: Record<string, unknown>, channels = 1, extra?: Record<string, unknown>) =>
  chain([
    ['in', 'input', { shape: [7, 6, channels] }],
    ['f', 'conv2d', { filters: channels, kernelSize: 3, ...conv }, extra],
  ]);

describe('preset kernels equal their formulas', () => {
  const third = 1 / 9;
  it('box: every weight 1/K²', () => {
    expect(presetFilter('box', [3, 3], 1).flat()).toEqual(Array(9).fill(third));
    expect(
      presetFilter('box', [5, 5], 1)
        .flat()
        .every((v) => v === 1 / 25),
    ).toBe(true);
  });
  it('gaussian: e^(−(x²+y²)/2σ²) normalised to sum 1, wider for a larger σ', () => {
    for (const sigma of [0.5, 1, 2]) {
      const g = presetFilter('gaussian', [5, 5], sigma);
      const raw = (y: number, x: number) => Math.exp(-((y - 2) ** 2 + (x - 2) ** 2) / (2 * sigma * sigma));
      let total = 0;
      for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) total += raw(y, x);
      for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) expect(g[y]![x]).toBeCloseTo(raw(y, x) / total, 12);
    }
    expect(presetFilter('gaussian', [5, 5], 2)[2]![2]).toBeLessThan(presetFilter('gaussian', [5, 5], 1)[2]![2]!);
  });
  it('sharpen: 2·identity − box, summing to 1', () => {
    const s = presetFilter('sharpen', [3, 3], 1);
    expect(s[1]![1]).toBeCloseTo(2 - third, 12);
    expect(s[0]![0]).toBeCloseTo(-third, 12);
    expect(s.flat().reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
  it('sobelX, sobelY, laplacian: the textbook 3×3 filters; numbers as written', () => {
    expect(presetFilter('sobelX', [3, 3], 1)).toEqual([
      [-1, 0, 1],
      [-2, 0, 2],
      [-1, 0, 1],
    ]);
    expect(presetFilter('sobelY', [3, 3], 1)).toEqual([
      [-1, -2, -1],
      [0, 0, 0],
      [1, 2, 1],
    ]);
    expect(presetFilter('laplacian', [3, 3], 1)).toEqual([
      [0, 1, 0],
      [1, -4, 1],
      [0, 1, 0],
    ]);
    expect(presetFilter([[1, 2]], [1, 2], 1)).toEqual([[1, 2]]);
  });
  it('per input channel: filter c reads channel c only', () => {
    const k = perChannelKernel([[2]], 3); // 1×1×3×3: the identity scaled by 2
    expect(k).toEqual([2, 0, 0, 0, 2, 0, 0, 0, 2]);
  });
  it('the compiled conv computes the filter (cross-correlation, zero bias) on each channel of an RGB image', () => {
    const doc = filterNet({ kernel: 'sobelX' }, 3);
    const compiled = compileGraph(doc, tf);
    const x = tf.randomUniform([1, 7, 6, 3], 0, 1, 'float32', 3);
    const got = (compiled.model.predict(x) as tf.Tensor).arraySync() as number[][][][];
    const xs = x.arraySync() as number[][][][];
    const sobel = presetFilter('sobelX', [3, 3], 1);
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 4; j++) {
          let want = 0;
          for (let y = 0; y < 3; y++) for (let z = 0; z < 3; z++) want += sobel[y]![z]! * xs[0]![i + y]![j + z]![c]!;
          expect(got[0]![i]![j]![c]).toBeCloseTo(want, 5);
        }
    compiled.model.dispose();
  });
});

describe('the checker and hand-set or frozen nodes', () => {
  it('a hand-set kernel is frozen by default: no trainable params, its weights counted as frozen', () => {
    const r = checkGraph(filterNet({ kernel: 'box' }, 2));
    expect(r.ok).toBe(true);
    expect(r.nodes.f).toMatchObject({ trainable: false, params: 0, frozenParams: 3 * 3 * 2 * 2 + 2 });
    expect(r.totals).toMatchObject({ params: 0, frozenParams: 38 });
    const learned = checkGraph(filterNet({ kernel: 'box' }, 2, { trainable: true }));
    expect(learned.nodes.f).toMatchObject({ trainable: true, params: 38, frozenParams: 0 });
    expect(learned.nodes.f!.weights.find((w) => w.role === 'kernel')).toMatchObject({ init: 'preset', trainable: true });
  });
  it('names a kernel that does not fit kernelSize or filters, with the one-param fix', () => {
    const size = checkGraph(filterNet({ kernel: 'sobelX', kernelSize: 5 }));
    expect(size.diagnostics[0]).toMatchObject({ nodeId: 'f', message: 'f: the sobelX filter is 3×3 but kernelSize is 5×5' });
    expect(size.diagnostics[0]!.fix?.action).toMatchObject({ param: 'kernelSize', value: 3 });
    const even = checkGraph(filterNet({ kernel: 'sharpen', kernelSize: 4 }));
    expect(even.diagnostics[0]!.message).toMatch(/sharpen needs an odd kernelSize/);
    const filters = checkGraph(filterNet({ kernel: 'box', filters: 8 }, 3));
    expect(filters.diagnostics[0]!.message).toMatch(/filters must be the input's 3 channels, got 8/);
    expect(filters.diagnostics[0]!.fix?.action).toMatchObject({ param: 'filters', value: 3 });
    const bad = checkGraph(filterNet({ kernel: 'blur' }));
    expect(bad.diagnostics[0]!.message).toMatch(/expected one of "box", "gaussian"/);
    const ragged = checkGraph(filterNet({ kernel: [[1, 2], [3]] }));
    expect(ragged.diagnostics[0]!.message).toMatch(/all of the same length/);
  });
  it('setTrainable and freezeThrough edit the node field', () => {
    const doc = chain([
      ['in', 'input', { shape: [8, 8, 1] }],
      ['c1', 'conv2d', { filters: 2, kernelSize: 3 }],
      ['r', 'relu', {}],
      ['c2', 'conv2d', { filters: 2, kernelSize: 3 }],
      ['f', 'flatten', {}],
      ['out', 'dense', { units: 3 }],
    ]);
    const frozen = freezeThrough(doc, 'c2');
    if ('error' in frozen) throw new Error(frozen.error);
    expect(frozen.frozen).toEqual(['c1', 'c2']);
    expect(checkGraph(frozen.doc).totals).toMatchObject({ params: 4 * 4 * 2 * 3 + 3, frozenParams: 2 * (9 + 1) + (9 * 2 * 2 + 2) });
    expect(freezeThrough(doc, 'cc2')).toEqual({ error: 'there is no node "cc2" to freeze through; did you mean "c2"?' });
    const back = setTrainable(frozen.doc, 'c1', undefined);
    expect(back.nodes.find((n) => n.id === 'c1')).not.toHaveProperty('trainable');
  });
});

describe('exports mark frozen nodes', () => {
  const doc = chain([
    ['in', 'input', { shape: [8, 8, 1] }],
    ['blur', 'conv2d', { filters: 1, kernelSize: 3, kernel: 'box' }],
    ['c1', 'conv2d', { filters: 2, kernelSize: 3 }, { trainable: false }],
    ['f', 'flatten', {}],
    ['out', 'dense', { units: 3 }],
  ]);
  const file = (target: 'pytorch' | 'keras' | 'tfjs', name: string) => exportGraph(doc, target).files.find((f) => f.name === name)!.text;
  it('PyTorch: requires_grad_(False) on each frozen module only', () => {
    const py = file('pytorch', 'model.py');
    expect(py).toContain('self.blur.requires_grad_(False)');
    expect(py).toContain('self.c1.requires_grad_(False)');
    expect(py).not.toContain('self.out.requires_grad_(False)');
  });
  it('Keras: trainable=False on each frozen layer only', () => {
    const py = file('keras', 'model.py');
    expect(
      py
        .split('\n')
        .filter((l) => l.includes('trainable=False'))
        .map((l) => /name="(\w+)"/.exec(l)![1]),
    ).toEqual(['blur', 'c1']);
  });
  it('TensorFlow.js: the frozen layers are set trainable = false', () => {
    const ts = file('tfjs', 'model.ts');
    expect(ts).toContain('model.getLayer("blur").trainable = false;');
    expect(ts).toContain('model.getLayer("c1").trainable = false;');
    expect(ts).not.toContain('model.getLayer("out").trainable');
  });
  it('the hand-set kernel is in the exported weights even without a checkpoint', () => {
    const weights = JSON.parse(file('pytorch', 'weights.json')) as { layers: Record<string, { name: string; data: string }[]> };
    const k = Buffer.from(weights.layers.blur!.find((w) => w.name === 'kernel')!.data, 'base64');
    expect(Array.from(new Float32Array(k.buffer, k.byteOffset, 9))).toEqual(Array(9).fill(Math.fround(1 / 9)));
  });
});
