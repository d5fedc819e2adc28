import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../../engine/check/checkGraph';
import {
  addNode,
  connect,
  connectionRefusal,
  disconnect,
  insertBefore,
  removeNodes,
  setLabel,
  setParam,
} from '../../../engine/graph/edits';
import { chain, graphOf } from '../../helpers/graphs';

const base = chain(['in', 'input', { shape: [28, 28, 1] }], ['c', 'conv2d', { filters: 4, kernelSize: 3 }], ['r', 'relu']);

describe('edits', () => {
  it('adds nodes with fresh ids and starter params that check', () => {
    const a = addNode(base, 'conv2d', { x: 1, y: 2 });
    const b = addNode(a.doc, 'conv2d', { x: 3, y: 4 });
    expect([a.id, b.id]).toEqual(['conv2d1', 'conv2d2']);
    expect(b.doc.layout).toMatchObject({ conv2d1: { x: 1, y: 2 } });
    const wired = connect(b.doc, 'r', a.id);
    expect(checkGraph(wired).nodes[a.id]!.status).toBe('ok');
    expect(base.nodes).toHaveLength(3); // the original is untouched
  });

  it('refuses connections that can never be valid', () => {
    expect(connectionRefusal(base, 'r', 'in')).toMatch(/input node/);
    expect(connectionRefusal(base, 'r', 'c')).toMatch(/cycle/);
    expect(connectionRefusal(base, 'c', 'c')).toMatch(/itself/);
    expect(connectionRefusal(base, 'in', 'c')).toMatch(/already/);
    expect(connectionRefusal(base, 'in', 'r')).toBeNull();
  });

  it('replaces the input of a single-input node and numbers merge ports', () => {
    const g = graphOf(
      [
        ['in', 'input', { shape: [4] }],
        ['a', 'relu'],
        ['b', 'relu'],
        ['s', 'add'],
      ],
      [
        ['in', 'a'],
        ['in', 'b'],
      ],
    );
    const one = connect(connect(g, 'in', 'a'), 'b', 'a');
    expect(one.edges.filter((e) => e.target === 'a')).toEqual([{ source: 'b', target: 'a' }]);
    const merged = connect(connect(g, 'a', 's'), 'b', 's');
    expect(merged.edges.filter((e) => e.target === 's').map((e) => e.targetPort)).toEqual([0, 1]);
    expect(disconnect(merged, 'a', 's').edges.some((e) => e.source === 'a' && e.target === 's')).toBe(false);
  });

  it('validates params and changes nothing when invalid', () => {
    const bad = setParam(base, 'c', 'filters', -1);
    expect(bad).toEqual({ error: 'filters: expected a positive integer, got -1' });
    const good = setParam(base, 'c', 'filters', 8);
    expect('doc' in good && checkGraph(good.doc).nodes.c!.outputShape).toEqual([26, 26, 8]);
  });

  it('inserts a node on an edge and removes nodes with their edges and layout', () => {
    const { doc, id } = insertBefore(base, 'r', 0, 'batchNorm');
    expect(checkGraph(doc).nodes.r!.inputs).toEqual([id]);
    expect(checkGraph(doc).nodes[id]!.inputs).toEqual(['c']);
    const removed = removeNodes(doc, [id]);
    expect(removed.edges.some((e) => e.source === id || e.target === id)).toBe(false);
    expect(removed.layout?.[id]).toBeUndefined();
  });

  it('sets and clears labels', () => {
    const labelled = setLabel(base, 'c', 'C1');
    expect(labelled.nodes[1]!.label).toBe('C1');
    expect('label' in setLabel(labelled, 'c', ' ').nodes[1]!).toBe(false);
  });
});

describe('starter params', () => {
  it('give every layer type a node that checks once wired', async () => {
    const { LAYER_TYPES } = await import('../../../engine/layers/registry');
    const { starterParams } = await import('../../../engine/graph/edits');
    for (const type of LAYER_TYPES) {
      if (type === 'input' || type === 'add' || type === 'concat') continue;
      const doc = chain(['in', 'input', starterParams('input')], ['n', type, starterParams(type)]);
      const r = checkGraph(doc);
      expect(
        r.diagnostics.filter((d) => d.code === 'invalid-param'),
        type,
      ).toEqual([]);
    }
  });
});
