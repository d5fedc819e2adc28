import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../../engine/check/checkGraph';
import type { GraphDoc } from '../../../engine/graph/types';
import { evaluateStructuralCheck, findPath, type LessonCheck } from '../../../engine/lesson';
import { chain, graphOf } from '../../helpers/graphs';

const check = (c: Partial<LessonCheck> & Pick<LessonCheck, 'kind'>): LessonCheck => ({ id: 'c', text: 't', points: 1, ...c });
const mark = (c: LessonCheck, doc: GraphDoc) => evaluateStructuralCheck(c, doc, checkGraph(doc));

/** Two conv(K=3)+pool(P=2) stages: p2 sees 10×10 pixels. */
const twoStages = (k1 = 3, p1 = 2, k2 = 3, p2 = 2) =>
  chain(
    ['in', 'input', { shape: [28, 28, 1] }],
    ['c1', 'conv2d', { filters: 8, kernelSize: k1 }],
    ['r1', 'relu'],
    ['p1', 'maxPool2d', { poolSize: p1 }],
    ['c2', 'conv2d', { filters: 16, kernelSize: k2 }],
    ['r2', 'relu'],
    ['p2', 'maxPool2d', { poolSize: p2 }],
    ['flat', 'flatten'],
    ['out', 'dense', { units: 10 }],
  );

describe('structural lesson checks', () => {
  it('valid: passes a clean graph, fails one with an error or with nothing connected', () => {
    expect(mark(check({ kind: 'valid' }), twoStages())).toEqual({ passed: true, message: 'the graph has no errors' });
    const broken = chain(['in', 'input', { shape: [28, 28, 1] }], ['d', 'dense', { units: 10 }]);
    expect(mark(check({ kind: 'valid' }), broken)).toMatchObject({
      passed: false,
      message: expect.stringMatching(/^the graph has 1 error; first: d: /),
    });
    const unconnected = graphOf(
      [
        ['in', 'input', { shape: [28, 28, 1] }],
        ['out', 'dense', { units: 10 }],
      ],
      [],
    );
    expect(mark(check({ kind: 'valid' }), unconnected)).toMatchObject({
      passed: false,
      message: expect.stringMatching(/nothing is connected to the input/),
    });
  });

  it('receptiveField: K+P−1 per stage, against min and max', () => {
    const rf = check({ kind: 'receptiveField', node: 'p2', min: 28 });
    expect(mark(rf, twoStages())).toEqual({ passed: false, message: 'one unit of p2 sees 10×10 input pixels; at least 28 pixels wanted' });
    // r1 = 5 + 3 − 1 = 7; r2 = 7 + 3·(5 − 1) + 3·(4 − 1) = 28
    expect(mark(rf, twoStages(5, 3, 5, 4))).toEqual({
      passed: true,
      message: 'one unit of p2 sees 28×28 input pixels; at least 28 pixels wanted',
    });
    expect(mark(check({ kind: 'receptiveField', node: 'p2', max: 9 }), twoStages()).passed).toBe(false);
    expect(mark(check({ kind: 'receptiveField', node: 'gone', min: 1 }), twoStages())).toEqual({
      passed: false,
      message: 'there is no node "gone" in the graph',
    });
    expect(mark(check({ kind: 'receptiveField', node: 'out', min: 1 }), twoStages()).message).toMatch(/no longer has a receptive field/);
  });

  it('params, macs and activations: total or per node', () => {
    const g = twoStages();
    const r = checkGraph(g);
    expect(mark(check({ kind: 'params', max: 6000 }), g)).toEqual({
      passed: true,
      message: `the graph has ${r.totals.params.toLocaleString('en-US')} parameters; at most 6,000 wanted`,
    });
    expect(mark(check({ kind: 'params', min: 61706, max: 61706 }), g).message).toMatch(/exactly 61,706 wanted$/);
    expect(mark(check({ kind: 'params', node: 'c1', min: 80, max: 80 }), g)).toEqual({
      passed: true,
      message: 'c1 has 80 parameters; exactly 80 wanted',
    });
    expect(mark(check({ kind: 'macs', node: 'c1', max: 1000 }), g)).toEqual({
      passed: false,
      message: `c1 has ${r.nodes.c1!.macs.toLocaleString('en-US')} multiply-accumulates per sample; at most 1,000 wanted`,
    });
    expect(mark(check({ kind: 'activations', node: 'c1', min: 26 * 26 * 8, max: 26 * 26 * 8 }), g).passed).toBe(true);
    expect(mark(check({ kind: 'activations', max: 10 }), g).passed).toBe(false);
  });

  it('count: only nodes the input reaches count', () => {
    const g = twoStages();
    expect(mark(check({ kind: 'count', type: 'conv2d', min: 2, max: 2 }), g)).toEqual({
      passed: true,
      message: 'the network has 2 conv2d nodes; exactly 2 wanted',
    });
    const stray = { ...g, nodes: [...g.nodes, { id: 'bn', type: 'batchNorm', params: {} }] };
    expect(mark(check({ kind: 'count', type: 'batchNorm', min: 1 }), stray)).toEqual({
      passed: false,
      message: 'the network has 0 batchNorm nodes (and 1 not connected to the input, which do not count); at least 1 wanted',
    });
  });

  it('outputShape: of a node or the output, null matching any size', () => {
    const g = twoStages();
    expect(mark(check({ kind: 'outputShape', node: 'c1', value: [26, 26, null] }), g)).toEqual({
      passed: true,
      message: 'c1 outputs 26×26×8; 26×26×any wanted',
    });
    expect(mark(check({ kind: 'outputShape', node: 'c1', value: [28, 28, 8] }), g).passed).toBe(false);
    expect(mark(check({ kind: 'outputShape', value: [10] }), g)).toEqual({ passed: true, message: 'out outputs 10; 10 wanted' });
  });

  it('path: through a type, avoiding types (an identity skip, a projection skip)', () => {
    const plain = chain(
      ['in', 'input', { shape: [8, 8, 4] }],
      ['a', 'relu'],
      ['c1', 'conv2d', { filters: 4, kernelSize: 3, padding: 'same' }],
      ['r', 'relu'],
      ['c2', 'conv2d', { filters: 4, kernelSize: 3, padding: 'same' }],
      ['sum', 'add'],
      ['b', 'relu'],
    );
    const skip = check({ kind: 'path', from: 'a', to: 'b', through: 'add', avoid: ['conv2d'] });
    expect(mark(skip, plain)).toEqual({ passed: false, message: 'no path leads from a to b through an add without passing a conv2d yet' });
    const withSkip = { ...plain, edges: [...plain.edges, { source: 'a', target: 'sum', targetPort: 1 }] };
    expect(mark(skip, withSkip)).toEqual({ passed: true, message: 'a path leads from a to b through an add without passing a conv2d' });
    // A projection: a 1×1 conv on the skip, and no relu on the way.
    const projected = {
      ...plain,
      nodes: [...plain.nodes, { id: 'proj', type: 'conv2d', params: { filters: 4, kernelSize: 1 } }],
      edges: [...plain.edges, { source: 'a', target: 'proj' }, { source: 'proj', target: 'sum', targetPort: 1 }],
    };
    expect(findPath(projected, 'a', 'b', 'conv2d', ['relu'])).toBe(true);
    expect(findPath(plain, 'a', 'b', 'conv2d', ['relu'])).toBe(false);
    expect(findPath(plain, 'a', 'b')).toBe(true);
    expect(findPath(plain, 'b', 'a')).toBe(false);
    expect(mark(check({ kind: 'path', from: 'a', to: 'x' }), plain)).toEqual({
      passed: false,
      message: 'there is no node "x" in the graph',
    });
  });

  it('path search is linear on a long ladder of diamonds', () => {
    const nodes: [string, string, Record<string, unknown>?][] = [['n0', 'input', { shape: [4] }]];
    const edges: [string, string, number?][] = [];
    for (let i = 0; i < 400; i++) {
      nodes.push([`a${i}`, 'relu'], [`b${i}`, 'relu'], [`n${i + 1}`, 'add']);
      edges.push([`n${i}`, `a${i}`], [`n${i}`, `b${i}`], [`a${i}`, `n${i + 1}`, 0], [`b${i}`, `n${i + 1}`, 1]);
    }
    const started = performance.now();
    expect(findPath(graphOf(nodes, edges), 'n0', 'n400', 'sigmoid')).toBe(false); // 2^400 paths, none through a sigmoid
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('layerWeightDecay: λ_l of a node, or of every layer with weights', () => {
    const g = { ...twoStages(), training: { weightDecay: 0.0001, layerWeightDecay: { out: 0 } } };
    expect(mark(check({ kind: 'layerWeightDecay', node: 'c1', min: 0.0001 }), g)).toEqual({
      passed: true,
      message: 'λ_l of c1 is 0.0001; at least 0.0001 wanted',
    });
    expect(mark(check({ kind: 'layerWeightDecay', min: 0.0001 }), g)).toEqual({
      passed: false,
      message: 'λ_l of out is 0; at least 0.0001 wanted for every layer with weights',
    });
    const bad = { ...g, training: { weightDecay: -1 } };
    expect(mark(check({ kind: 'layerWeightDecay', min: 0 }), bad).message).toMatch(/^training\.weightDecay: /);
  });

  it('training: a value, one of several, or bounds; defaults filled in', () => {
    const g = { ...twoStages(), training: { optimizer: 'sgd', momentum: 0, schedule: { type: 'inverseTime', decay: 1 } } };
    expect(mark(check({ kind: 'training', field: 'momentum', min: 0.5 }), g)).toEqual({
      passed: false,
      message: 'momentum is 0; at least 0.5 wanted',
    });
    expect(mark(check({ kind: 'training', field: 'schedule.type', value: ['inverseTime', 'step'] }), g)).toEqual({
      passed: true,
      message: 'schedule.type is inverseTime',
    });
    expect(mark(check({ kind: 'training', field: 'schedule.type', value: 'step' }), g)).toEqual({
      passed: false,
      message: 'schedule.type is inverseTime; step wanted',
    });
    expect(mark(check({ kind: 'training', field: 'batchSize', value: 64 }), g)).toEqual({ passed: true, message: 'batchSize is 64' });
  });
});
