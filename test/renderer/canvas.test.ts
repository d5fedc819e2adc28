import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../engine/check/checkGraph';
import { setParam } from '../../engine/graph/edits';
import { commandFor } from '../../renderer/src/app/shortcuts';
import { toFlowEdges, toFlowNodes, type LayerFlowNode } from '../../renderer/src/canvas/toFlow';
import { NO_SELECTION } from '../../renderer/src/store/actions';
import { graphOf } from '../helpers/graphs';

const residual = graphOf(
  [
    ['in', 'input', { shape: [8, 8, 1] }],
    ['c', 'conv2d', { filters: 4, kernelSize: 3, padding: 'same' }],
    ['sum', 'add'],
    ['p', 'maxPool2d'],
  ],
  [
    ['in', 'c'],
    ['c', 'sum', 0],
    ['in', 'sum', 1],
    ['sum', 'p'],
  ],
);

describe('canvas derivation from the document and the checker', () => {
  it('labels edges with shapes, numbers merge ports, and shows a broken node with its message and fix', () => {
    const check = checkGraph(residual);
    const nodes = toFlowNodes(residual, check, NO_SELECTION, new Map(), new Map());
    const edges = toFlowEdges(residual, check, NO_SELECTION, { edges: new Map(), routes: new Map() });
    expect(edges.map((e) => [e.id, e.label, e.targetHandle])).toEqual([
      ['in->c', '8×8×1', 'in'],
      ['c->sum', '8×8×4', 'in-0'],
      ['in->sum', '8×8×1', 'in-1'],
      ['sum->p', '?', 'in'],
    ]);
    const sum = nodes.find((n) => n.id === 'sum')!.data;
    expect(sum).toMatchObject({ status: 'error', numbered: true, ports: 3, shape: '?' });
    expect(sum.message).toContain('input 0 is 8×8×4 but input 1 is 8×8×1');
    expect(sum.fix?.label).toBe('Insert a 1×1 conv (4 filters) on input 1');
    const conv = nodes.find((n) => n.id === 'c')!.data;
    expect(conv).toMatchObject({ status: 'ok', shape: '8×8×4', paramCount: '40', field: 'RF 3×3 /1', ports: 1 });
    expect(nodes.find((n) => n.id === 'in')!.data.ports).toBe(0);
  });

  it('reuses the node objects an edit did not change, so React Flow re-renders only those', () => {
    const previous = new Map<string, LayerFlowNode>();
    const first = toFlowNodes(residual, checkGraph(residual), NO_SELECTION, new Map(), previous);
    const edited = setParam(residual, 'p', 'poolSize', 4);
    if (!('doc' in edited)) throw new Error(edited.error);
    const second = toFlowNodes(edited.doc, checkGraph(edited.doc), NO_SELECTION, new Map(), previous);
    const changed = second.filter((n, i) => n !== first[i]).map((n) => n.id);
    expect(changed).toEqual(['p']);
  });
});

describe('keyboard shortcuts', () => {
  const key = (k: string, mods: { ctrl?: boolean; shift?: boolean } = {}) =>
    commandFor({ key: k, ctrlKey: !!mods.ctrl, metaKey: false, shiftKey: !!mods.shift, altKey: false });
  it('map to the same commands as the menus', () => {
    expect(key('z', { ctrl: true })).toBe('undo');
    expect(key('Z', { ctrl: true, shift: true })).toBe('redo');
    expect(key('y', { ctrl: true })).toBe('redo');
    expect(key('Delete')).toBe('delete');
    expect(key('s', { ctrl: true, shift: true })).toBe('saveAs');
    expect(key('q')).toBeNull();
  });
});
