import { readdirSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompileError, compileGraph } from '../../../engine/compile';
import { parseGraph } from '../../../engine/graph/load';
import type { GraphDoc } from '../../../engine/graph/types';
import { LAYER_TYPES } from '../../../engine/layers/registry';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function chain(shape: number[], layers: { type: string; params?: Record<string, unknown> }[]): GraphDoc {
  const nodes = [
    { id: 'in', type: 'input', params: { shape } },
    ...layers.map((l, i) => ({ id: `n${i}`, type: l.type, params: l.params ?? {} })),
  ];
  const edges = nodes.slice(1).map((n, i) => ({ source: nodes[i]!.id, target: n.id }));
  return { format: 'netcanvas.graph', version: 1, name: 'chain', nodes, edges };
}

/** Every compiled node's tfjs output shape equals the checker's, and trainable params agree. */
function expectMatchesChecker(doc: GraphDoc): void {
  const compiled = compileGraph(doc, tf);
  try {
    for (const id of compiled.check.order) {
      const layer = compiled.model.getLayer(compiled.layerNames.get(id)!);
      const shape = (layer.outputShape as (number | null)[]).slice(1);
      expect(shape, `node ${id}`).toEqual([...compiled.check.nodes[id]!.outputShape!]);
      const params = layer.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
      expect(params, `params of ${id}`).toBe(compiled.check.nodes[id]!.params);
    }
    const total = compiled.model.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
    expect(total).toBe(compiled.check.totals.params);
  } finally {
    compiled.model.dispose();
  }
}

describe('compileGraph', () => {
  // Training a template leaves NAME.weights.json beside it (the README's own command does): not a graph.
  const templates = readdirSync('templates').filter((f) => f.endsWith('.json') && !f.endsWith('.weights.json'));
  it.each(templates)('template %s compiles to the checked shapes and params', (file) => {
    const parsed = parseGraph(readFileSync(`templates/${file}`, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    expectMatchesChecker(parsed.doc);
  });

  const paddings = ['valid', 'same', 0, 1, 2] as const;
  it.each(paddings)('conv2d, maxPool2d and avgPool2d with padding %s match the checker', (padding) => {
    expectMatchesChecker(
      chain(
        [29, 27, 3],
        [
          { type: 'conv2d', params: { filters: 4, kernelSize: [3, 5], strides: 2, padding } },
          { type: 'conv2d', params: { filters: 5, kernelSize: 3, dilation: 2, padding, useBias: false } },
          { type: 'maxPool2d', params: { poolSize: 3, strides: 1, padding: padding === 2 ? 1 : padding } },
          { type: 'avgPool2d', params: { poolSize: [2, 3], strides: [1, 2], padding: padding === 2 ? 1 : padding } },
        ],
      ),
    );
  });

  it('covers every layer type in the registry', () => {
    const branchy: GraphDoc = {
      format: 'netcanvas.graph',
      version: 1,
      name: 'every layer',
      nodes: [
        { id: 'in', type: 'input', params: { shape: [8, 8, 2] } },
        { id: 'conv', type: 'conv2d', params: { filters: 4, kernelSize: 3, padding: 'same' } },
        { id: 'bn', type: 'batchNorm', params: { momentum: 0.9, epsilon: 0.01 } },
        { id: 'lrelu', type: 'leakyRelu', params: { alpha: 0.1 } },
        { id: 'sig', type: 'sigmoid', params: {} },
        { id: 'th', type: 'tanh', params: {} },
        { id: 'relu', type: 'relu', params: {} },
        { id: 'sum', type: 'add', params: {} },
        { id: 'cat', type: 'concat', params: {} },
        { id: 'mp', type: 'maxPool2d', params: { poolSize: 2 } },
        { id: 'ap', type: 'avgPool2d', params: { poolSize: 2 } },
        { id: 'up', type: 'upsample2d', params: { size: 2, interpolation: 'bilinear' } },
        { id: 'up2', type: 'upsample2d', params: { size: [1, 2] } },
        { id: 'gap', type: 'globalAvgPool2d', params: {} },
        { id: 'flat', type: 'flatten', params: {} },
        { id: 'cat2', type: 'concat', params: {} },
        { id: 'drop', type: 'dropout', params: { rate: 0.3 } },
        { id: 'dense', type: 'dense', params: { units: 3 } },
        { id: 'unflat', type: 'reshape', params: { shape: [1, 1, 3] } },
        { id: 'flat2', type: 'flatten', params: {} },
        { id: 'soft', type: 'softmax', params: {} },
      ],
      edges: [
        ['in', 'conv'],
        ['conv', 'bn'],
        ['bn', 'lrelu'],
        ['lrelu', 'sig'],
        ['lrelu', 'th'],
        ['sig', 'sum'],
        ['th', 'sum'],
        ['sum', 'relu'],
        ['relu', 'cat'],
        ['lrelu', 'cat'],
        ['cat', 'mp'],
        ['mp', 'ap'],
        ['ap', 'up'],
        ['up', 'up2'],
        ['up2', 'gap'],
        ['up2', 'flat'],
        ['gap', 'cat2'],
        ['flat', 'cat2'],
        ['cat2', 'drop'],
        ['drop', 'dense'],
        ['dense', 'unflat'],
        ['unflat', 'flat2'],
        ['flat2', 'soft'],
      ].map(([source, target]) => ({ source: source!, target: target! })),
    };
    const used = new Set(branchy.nodes.map((n) => n.type));
    expect(LAYER_TYPES.filter((t) => !used.has(t))).toEqual([]);
    expectMatchesChecker(branchy);
  });

  it('pads max pooling with −∞, so negative activations survive at the border', () => {
    const compiled = compileGraph(chain([2, 2, 1], [{ type: 'maxPool2d', params: { poolSize: 2, strides: 1, padding: 1 } }]), tf);
    const y = compiled.model.predict(tf.tensor4d([-1, -2, -3, -4], [1, 2, 2, 1])) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([-1, -1, -2, -1, -1, -2, -3, -3, -4]);
    compiled.model.dispose();
  });

  it('pads convolutions with explicit zeros and keeps dropout off at prediction time', () => {
    const compiled = compileGraph(
      chain(
        [3, 3, 1],
        [
          { type: 'dropout', params: { rate: 0.5 } },
          { type: 'avgPool2d', params: { poolSize: 3, strides: 1, padding: 1 } },
        ],
      ),
      tf,
    );
    const x = tf.ones([1, 3, 3, 1]);
    const y = compiled.model.predict(x) as tf.Tensor;
    // Corner window: 4 real ones out of 9 cells (zeros counted, as PyTorch's default does).
    expect(y.dataSync()[0]).toBeCloseTo(4 / 9, 6);
    expect(y.dataSync()[4]).toBeCloseTo(1, 6);
    const trainingOut = compiled.model.apply(tf.ones([1, 3, 3, 1]), { training: true }) as tf.Tensor;
    expect(Array.from(trainingOut.dataSync()).some((v) => Math.abs(v - 1) > 1e-6)).toBe(true);
    compiled.model.dispose();
  });

  it('names tfjs layers by node id and seeds initialisation', () => {
    const doc = chain([4], [{ type: 'dense', params: { units: 3 } }]);
    const a = compileGraph(doc, tf, { seed: 7 });
    const b = compileGraph(doc, tf, { seed: 7 });
    const c = compileGraph(doc, tf, { seed: 8 });
    const kernel = (m: typeof a) => Array.from(m.model.getLayer('n0').getWeights()[0]!.dataSync());
    expect(kernel(a)).toEqual(kernel(b));
    expect(kernel(a)).not.toEqual(kernel(c));
    expect(Array.from(a.model.getLayer('n0').getWeights()[1]!.dataSync())).toEqual([0, 0, 0]);
    for (const m of [a, b, c]) m.model.dispose();
  });

  it('refuses a graph with errors, carrying the checker diagnostics', () => {
    const broken = chain([28, 28, 1], [{ type: 'dense', params: { units: 10 } }]);
    let error: unknown;
    try {
      compileGraph(broken, tf);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompileError);
    expect((error as CompileError).diagnostics.some((d) => d.code === 'dense-on-spatial')).toBe(true);
    expect((error as CompileError).message).toMatch(/flatten/);
  });
});
