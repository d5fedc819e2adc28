import { describe, expect, it } from 'vitest';
import { changeType, insertOnEdge, removeNodesBridging, typesFor } from '../../../engine/graph/rewire';
import { chain, graphOf } from '../../helpers/graphs';

const edgesOf = (doc: { edges: readonly { source: string; target: string; targetPort?: number }[] }) =>
  doc.edges.map((e) => `${e.source}->${e.target}${e.targetPort === undefined ? '' : `:${e.targetPort}`}`);

const residual = graphOf(
  [
    ['in', 'input', { shape: [8, 8, 4] }],
    ['c', 'conv2d', { filters: 4, kernelSize: 3, padding: 'same' }],
    ['r', 'relu'],
    ['sum', 'add'],
    ['p', 'maxPool2d'],
  ],
  [
    ['in', 'c'],
    ['c', 'r'],
    ['r', 'sum', 0],
    ['in', 'sum', 1],
    ['sum', 'p'],
  ],
);

describe('rewiring edits', () => {
  it('deleting a middle node passes its input on, on the same port, through several deleted nodes too', () => {
    expect(edgesOf(removeNodesBridging(residual, ['r']).doc)).toEqual(['in->c', 'in->sum:1', 'sum->p', 'c->sum:0']);
    const both = removeNodesBridging(residual, ['c', 'r']);
    // in already feeds sum: a second in → sum would be a duplicate, so port 0 stays empty.
    expect(edgesOf(both.doc)).toEqual(['in->sum:1', 'sum->p']);
    expect(both.bridges).toEqual([]);
    const chainOf3 = chain(['a', 'input', { shape: [4] }], ['b', 'dense', { units: 2 }], ['c', 'relu'], ['d', 'dense', { units: 1 }]);
    expect(removeNodesBridging(chainOf3, ['b', 'c']).bridges).toEqual([{ source: 'a', target: 'd' }]);
  });

  it('a deleted merge (two inputs) or input leaves what it fed unconnected', () => {
    expect(edgesOf(removeNodesBridging(residual, ['sum']).doc)).toEqual(['in->c', 'c->r']);
    expect(edgesOf(removeNodesBridging(residual, ['in']).doc)).toEqual(['c->r', 'r->sum:0', 'sum->p']);
  });

  it('puts a layer into an edge, keeping the port; refuses an input node', () => {
    const inserted = insertOnEdge(residual, 'in', 'sum', 'conv2d', { x: 0, y: 0 });
    if ('error' in inserted) throw new Error(inserted.error);
    expect(edgesOf(inserted.doc)).toContain('in->conv2d1');
    expect(edgesOf(inserted.doc)).toContain('conv2d1->sum:1');
    expect(insertOnEdge(residual, 'in', 'c', 'input', { x: 0, y: 0 })).toEqual({
      error: 'an input node takes no input, so it cannot go into an edge',
    });
  });

  it('changes a type in place, keeping the params the new type has, and refuses one that cannot take the inputs', () => {
    const tanh = changeType(residual, 'r', 'tanh');
    if ('error' in tanh) throw new Error(tanh.error);
    expect(tanh.doc.nodes.find((n) => n.id === 'r')).toEqual({ id: 'r', type: 'tanh', params: {} });
    expect(tanh.doc.edges).toBe(residual.edges);
    const avg = changeType(residual, 'p', 'avgPool2d');
    expect('doc' in avg && avg.doc.nodes.find((n) => n.id === 'p')!.params).toEqual({});
    const dense = changeType(residual, 'c', 'dense');
    expect('doc' in dense && dense.doc.nodes.find((n) => n.id === 'c')!.params).toEqual({ units: 10 });
    expect(changeType(residual, 'sum', 'relu')).toEqual({ error: 'sum has 2 inputs; a ReLU node cannot take that' });
    expect(typesFor(residual, 'sum')).toEqual(['add', 'concat']);
    expect(typesFor(residual, 'in')).toEqual(['input']);
  });
});
