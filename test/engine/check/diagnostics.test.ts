import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../../engine/check/checkGraph';
import { applyFix } from '../../../engine/graph/edits';
import type { GraphDoc } from '../../../engine/graph/types';
import { chain, graphOf } from '../../helpers/graphs';

const IN = ['in', 'input', { shape: [28, 28, 1] }] as [string, string, Record<string, unknown>];

function codes(doc: GraphDoc) {
  return checkGraph(doc).diagnostics.map((d) => [d.code, d.nodeId]);
}

/** Applies the first diagnostic's fix and returns the re-checked result. */
function fixed(doc: GraphDoc) {
  const d = checkGraph(doc).diagnostics.find((x) => x.fix)!;
  return checkGraph(applyFix(doc, d.fix!.action));
}

describe('diagnostics', () => {
  it('explains a dense layer on an image and fixes it with a flatten', () => {
    const doc = chain(IN, ['c', 'conv2d', { filters: 4, kernelSize: 3 }], ['d', 'dense', { units: 10 }]);
    const [d] = checkGraph(doc).diagnostics;
    expect(d).toMatchObject({ code: 'dense-on-spatial', severity: 'error', nodeId: 'd' });
    expect(d!.message).toContain('26×26×4');
    expect(d!.fix!.label).toMatch(/flatten/);
    const after = fixed(doc);
    expect(after.ok).toBe(true);
    expect(after.nodes.d!.inputShapes).toEqual([[2704]]);
  });

  it('names both shapes at a mismatched add and offers the 1×1 projection', () => {
    const doc = graphOf(
      [
        IN,
        ['a', 'conv2d', { filters: 8, kernelSize: 3, strides: 2, padding: 'same' }],
        ['b', 'conv2d', { filters: 4, kernelSize: 1 }],
        ['sum', 'add'],
        ['r', 'relu'],
      ],
      [
        ['in', 'a'],
        ['in', 'b'],
        ['a', 'sum', 0],
        ['b', 'sum', 1],
        ['sum', 'r'],
      ],
    );
    const [d] = checkGraph(doc).diagnostics;
    expect(d).toMatchObject({ code: 'add-shape-mismatch', nodeId: 'sum' });
    expect(d!.message).toContain('14×14×8');
    expect(d!.message).toContain('28×28×4');
    expect(d!.fix!.label).toBe('Insert a 1×1 conv (8 filters, stride 2) on input 1');
    expect(fixed(doc).ok).toBe(true);
  });

  it('reports spatial and rank mismatches at concat', () => {
    const spatial = graphOf(
      [IN, ['p', 'maxPool2d'], ['cat', 'concat']],
      [
        ['in', 'p'],
        ['in', 'cat', 0],
        ['p', 'cat', 1],
      ],
    );
    expect(checkGraph(spatial).diagnostics[0]).toMatchObject({ code: 'concat-spatial-mismatch', nodeId: 'cat' });
    expect(checkGraph(spatial).diagnostics[0]!.message).toContain('28×28 but input 1 is 14×14');
    const rank = graphOf(
      [IN, ['f', 'flatten'], ['cat', 'concat']],
      [
        ['in', 'f'],
        ['in', 'cat', 0],
        ['f', 'cat', 1],
      ],
    );
    expect(codes(rank)).toEqual([['concat-rank-mismatch', 'cat']]);
  });

  it('refuses a window that does not fit and suggests "same" padding', () => {
    const doc = chain(['in', 'input', { shape: [4, 4, 1] }], ['c', 'conv2d', { filters: 1, kernelSize: 5 }], ['r', 'relu']);
    const [d] = checkGraph(doc).diagnostics;
    expect(d).toMatchObject({ code: 'window-too-large', nodeId: 'c', param: 'kernelSize' });
    expect(d!.message).toContain('5×5 kernel does not fit the 4×4 input');
    expect(fixed(doc).ok).toBe(true);
    const pool = chain(['in', 'input', { shape: [3, 3, 1] }], ['p', 'maxPool2d', { poolSize: 4 }]);
    expect(codes(pool)).toEqual([['window-too-large', 'p']]);
  });

  it('marks nodes after a broken one unknown instead of reporting them again', () => {
    const doc = chain(IN, ['c', 'conv2d', { filters: 4, kernelSize: 40 }], ['r', 'relu'], ['f', 'flatten'], ['d', 'dense', { units: 3 }]);
    const r = checkGraph(doc);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.nodes.c!.status).toBe('error');
    expect(['r', 'f', 'd'].map((id) => r.nodes[id]!.status)).toEqual(['unknown', 'unknown', 'unknown']);
  });

  it('reports every independent problem in one pass', () => {
    const doc = graphOf(
      [IN, ['c', 'conv2d', { filters: 0, kernelSize: 3 }], ['x', 'conv3d', {}], ['d', 'dense', { units: 2, unitz: 3 }], ['sum', 'add']],
      [
        ['in', 'c'],
        ['in', 'x'],
        ['in', 'd'],
        ['in', 'sum'],
        ['ghost', 'sum'],
      ],
    );
    const found = codes(doc);
    expect(found).toEqual(
      expect.arrayContaining([
        ['invalid-param', 'c'],
        ['unknown-type', 'x'],
        ['unknown-param', 'd'],
        ['dense-on-spatial', 'd'],
        ['edge-missing-node', 'sum'],
        ['missing-input', 'sum'],
      ]),
    );
    const r = checkGraph(doc);
    expect(r.diagnostics.find((d) => d.code === 'invalid-param')!.message).toBe('c.params.filters: expected a positive integer, got 0');
    expect(r.diagnostics.find((d) => d.code === 'unknown-param')!.message).toContain('did you mean "units"');
    expect(r.diagnostics.find((d) => d.code === 'unknown-param')!.severity).toBe('warning');
  });

  it('suggests the closest known type', () => {
    const doc = chain(IN, ['c', 'Conv2D', { filters: 1, kernelSize: 3 }]);
    expect(checkGraph(doc).diagnostics[0]!.message).toContain('did you mean "conv2d"?');
  });

  it('finds cycles and names them', () => {
    const doc = graphOf(
      [IN, ['a', 'relu'], ['b', 'relu'], ['c', 'relu']],
      [
        ['in', 'a'],
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'b'],
      ],
    );
    const r = checkGraph(doc);
    expect(codes(doc)).toEqual([['cycle', expect.any(String)]]);
    expect(r.diagnostics[0]!.message).toContain('cycle: b → c → b');
    expect(r.diagnostics[0]!.fix!.label).toBe('Remove the edge c → b');
    expect(fixed(doc).ok).toBe(true);
  });

  it('warns about disconnected parts once, at their start', () => {
    const doc = graphOf(
      [IN, ['r', 'relu'], ['lost', 'conv2d', { filters: 1, kernelSize: 3 }], ['lost2', 'relu'], ['lost3', 'relu']],
      [
        ['in', 'r'],
        ['lost', 'lost2'],
        ['lost2', 'lost3'],
      ],
    );
    const r = checkGraph(doc);
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'unreachable', severity: 'warning', nodeId: 'lost' });
    expect(r.diagnostics[0]!.message).toContain('the 2 nodes after it');
    expect(r.order).toEqual(['in', 'r']);
  });

  it('needs exactly one input node', () => {
    expect(codes(chain(['r', 'relu']))).toEqual([
      ['no-input', null],
      ['unreachable', 'r'],
    ]);
    const two = graphOf([IN, ['in2', 'input', { shape: [3] }], ['r', 'relu']], [['in', 'r']]);
    expect(codes(two)).toEqual(expect.arrayContaining([['several-inputs', 'in2']]));
  });

  it('counts inputs against arity', () => {
    const extra = graphOf(
      [IN, ['a', 'relu'], ['c', 'conv2d', { filters: 1, kernelSize: 1 }]],
      [
        ['in', 'a'],
        ['in', 'c'],
        ['a', 'c'],
      ],
    );
    expect(codes(extra)).toEqual([['extra-input', 'c']]);
    expect(checkGraph(extra).diagnostics[0]!.message).toBe('c (conv2d) takes 1 input but has 2');
  });

  it('rejects conv and pooling on vectors', () => {
    const doc = chain(['in', 'input', { shape: [10] }], ['c', 'conv2d', { filters: 1, kernelSize: 1 }]);
    expect(codes(doc)).toEqual([['needs-spatial', 'c']]);
  });

  it('refuses strides and dilation together (TensorFlow cannot)', () => {
    const doc = chain(IN, ['c', 'conv2d', { filters: 1, kernelSize: 3, strides: 2, dilation: 2 }]);
    expect(codes(doc)).toEqual([['invalid-param', 'c']]);
    expect(fixed(doc).ok).toBe(true);
  });

  it('orders merge inputs by targetPort, not by edge order', () => {
    const doc = graphOf(
      [IN, ['a', 'conv2d', { filters: 2, kernelSize: 1 }], ['b', 'conv2d', { filters: 3, kernelSize: 1 }], ['cat', 'concat']],
      [
        ['in', 'a'],
        ['in', 'b'],
        ['b', 'cat', 1],
        ['a', 'cat', 0],
      ],
    );
    expect(checkGraph(doc).nodes.cat!.inputs).toEqual(['a', 'b']);
    const dup = graphOf(
      [IN, ['a', 'relu'], ['sum', 'add']],
      [
        ['in', 'a'],
        ['a', 'sum', 0],
        ['in', 'sum', 0],
      ],
    );
    expect(codes(dup)).toContainEqual(['duplicate-port', 'sum']);
  });

  it('warns where merged inputs step at different rates', () => {
    const doc = graphOf(
      [
        IN,
        ['p', 'maxPool2d', { poolSize: 2, strides: 1, padding: 'same' }],
        ['c', 'conv2d', { filters: 1, kernelSize: 3, padding: 'same' }],
        ['sum', 'add'],
      ],
      [
        ['in', 'p'],
        ['in', 'c'],
        ['p', 'sum', 0],
        ['c', 'sum', 1],
      ],
    );
    expect(codes(doc)).toEqual([]);
    const up = graphOf(
      [IN, ['p', 'maxPool2d'], ['u', 'upsample2d'], ['c', 'conv2d', { filters: 1, kernelSize: 3, padding: 'same' }], ['sum', 'add']],
      [
        ['in', 'p'],
        ['p', 'u'],
        ['in', 'c'],
        ['u', 'sum', 0],
        ['c', 'sum', 1],
      ],
    );
    expect(codes(up)).toEqual([]); // jump back to 1 after upsampling
    const strided = graphOf(
      [IN, ['s', 'conv2d', { filters: 1, kernelSize: 1, strides: 2 }], ['p', 'maxPool2d'], ['sum', 'add']],
      [
        ['in', 's'],
        ['in', 'p'],
        ['s', 'sum', 0],
        ['p', 'sum', 1],
      ],
    );
    expect(codes(strided)).toEqual([]);
    // Same 26×26 shape, but one branch steps 2 pixels per unit and the other 1.
    const mixed = graphOf(
      [
        ['in', 'input', { shape: [52, 52, 1] }],
        ['p', 'maxPool2d'],
        ['c', 'conv2d', { filters: 1, kernelSize: 27 }],
        ['sum', 'add'],
      ],
      [
        ['in', 'p'],
        ['in', 'c'],
        ['p', 'sum', 0],
        ['c', 'sum', 1],
      ],
    );
    const r = checkGraph(mixed);
    expect(r.ok).toBe(true);
    expect(codes(mixed)).toEqual([['jump-mismatch', 'sum']]);
    expect(r.nodes.sum!.receptiveField!.size).toEqual([27, 27]);
  });

  it('never throws on malformed documents built in code', () => {
    const weird = {
      format: 'netcanvas.graph',
      version: 1,
      name: 'w',
      nodes: [
        { id: 'a', type: 'dense', params: { units: 'ten' } },
        { id: 'a', type: 'relu', params: {} },
      ],
      edges: [{ source: 'a', target: 'a' }],
    } as unknown as GraphDoc;
    const r = checkGraph(weird);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['duplicate-id', 'invalid-param', 'cycle']));
  });
});
