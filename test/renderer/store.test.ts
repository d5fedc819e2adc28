import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../engine/check/checkGraph';
import { parseGraph, serializeGraph } from '../../engine/graph/load';
import type { GraphDoc } from '../../engine/graph/types';
import * as A from '../../renderer/src/store/actions';
import { autoLayout } from '../../renderer/src/layout/autoLayout';
import { copySelection } from '../../renderer/src/store/clipboard';
import { createEditorStore, isDirty } from '../../renderer/src/store/editorStore';
import { chain, graphOf } from '../helpers/graphs';

const lenet = (): GraphDoc => {
  const r = parseGraph(readFileSync('templates/lenet5.json', 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};

/** Performs, checks the edit happened, undoes to the exact previous doc, redoes to the exact edited doc. */
function roundTrip<Args>(doc: GraphDoc, action: A.Action<Args>, args: Args, selection?: A.Selection) {
  const store = createEditorStore(doc);
  if (selection) store.getState().select(selection);
  const outcome = store.getState().perform(action, args);
  expect('error' in outcome ? outcome.error : null).toBeNull();
  const edited = store.getState().doc;
  expect(edited).not.toBe(doc);
  expect(store.getState().undo()).toBe(true);
  expect(store.getState().doc).toBe(doc);
  expect(store.getState().redo()).toBe(true);
  expect(store.getState().doc).toBe(edited);
  return edited;
}

describe('editor store: every edit kind undoes and redoes', () => {
  const base = chain(['in', 'input', { shape: [28, 28, 1] }], ['c1', 'conv2d', { filters: 4, kernelSize: 3 }], ['r1', 'relu']);

  it('addNode places a node and selects it', () => {
    const store = createEditorStore(base);
    store.getState().perform(A.addNode, { type: 'maxPool2d', position: { x: 10, y: 20 } });
    const s = store.getState();
    expect(s.doc.nodes.at(-1)).toMatchObject({ id: 'maxPool2d1', type: 'maxPool2d' });
    expect(s.doc.layout?.maxPool2d1).toEqual({ x: 10, y: 20 });
    expect(s.selection.nodes).toEqual(['maxPool2d1']);
    roundTrip(base, A.addNode, { type: 'maxPool2d', position: { x: 0, y: 0 } });
  });

  it('connect, disconnect via delete, and refusal of cycles and inputs', () => {
    const withPool = { ...base, nodes: [...base.nodes, { id: 'p', type: 'maxPool2d', params: {} }] };
    const edited = roundTrip(withPool, A.connect, { source: 'r1', target: 'p' });
    expect(edited.edges.at(-1)).toEqual({ source: 'r1', target: 'p' });
    const store = createEditorStore(base);
    expect(store.getState().perform(A.connect, { source: 'r1', target: 'c1' })).toEqual({ error: 'connecting r1 → c1 would make a cycle' });
    expect(store.getState().perform(A.connect, { source: 'r1', target: 'in' })).toMatchObject({
      error: expect.stringContaining('input node'),
    });
    expect(store.getState().doc).toBe(base);
    expect(store.getState().past).toHaveLength(0);
    const removed = roundTrip(base, A.deleteElements, { nodes: [], edges: [A.edgeKey('c1', 'r1')] });
    expect(removed.edges).toEqual([{ source: 'in', target: 'c1' }]);
  });

  it('connect on a numbered merge port replaces the cable on that port', () => {
    const doc = graphOf(
      [
        ['in', 'input', { shape: [8, 8, 2] }],
        ['a', 'relu'],
        ['b', 'relu'],
        ['sum', 'add'],
      ],
      [
        ['in', 'a'],
        ['in', 'b'],
        ['a', 'sum', 0],
        ['in', 'sum', 1],
      ],
    );
    const edited = roundTrip(doc, A.connect, { source: 'b', target: 'sum', port: 1 });
    expect(edited.edges.filter((e) => e.target === 'sum')).toEqual([
      { source: 'a', target: 'sum', targetPort: 0 },
      { source: 'b', target: 'sum', targetPort: 1 },
    ]);
  });

  it('delete removes nodes, their edges, their layout and their per-layer weight decay', () => {
    const doc = { ...lenet(), training: { ...lenet().training, layerWeightDecay: { c3: 0.01 } } };
    const edited = roundTrip(doc, A.deleteElements, { nodes: ['c3'], edges: [] });
    expect(edited.nodes.some((n) => n.id === 'c3')).toBe(false);
    expect(edited.edges.some((e) => e.source === 'c3' || e.target === 'c3')).toBe(false);
    expect(edited.layout?.c3).toBeUndefined();
    expect((edited.training as { layerWeightDecay: object }).layerWeightDecay).toEqual({});
  });

  it('setParam, removeParam, setLabel, rename', () => {
    expect(roundTrip(base, A.setParam, { nodeId: 'c1', name: 'filters', value: 8 }).nodes[1]!.params.filters).toBe(8);
    expect(roundTrip(base, A.removeParam, { nodeId: 'c1', name: 'filters' }).nodes[1]!.params).toEqual({ kernelSize: 3 });
    expect(roundTrip(base, A.setLabel, { nodeId: 'c1', label: 'C1' }).nodes[1]!.label).toBe('C1');
    expect(roundTrip(base, A.renameGraph, { name: 'Mine' }).name).toBe('Mine');
  });

  it('an invalid param value is refused with the message and changes nothing', () => {
    const store = createEditorStore(base);
    const outcome = store.getState().perform(A.setParam, { nodeId: 'c1', name: 'filters', value: -3 });
    expect(outcome).toEqual({ error: 'filters: expected a positive integer, got -3' });
    expect(store.getState().doc).toBe(base);
    expect(store.getState().past).toHaveLength(0);
    expect(store.getState().lastError).toContain('filters');
  });

  it('moves during one drag coalesce into a single undo step', () => {
    const store = createEditorStore(lenet());
    const start = store.getState().doc;
    for (let i = 1; i <= 5; i++) store.getState().perform(A.moveNodes, { positions: { c1: { x: 240 + i * 10, y: 150 } } });
    expect(store.getState().past).toHaveLength(1);
    expect(store.getState().doc.layout?.c1).toEqual({ x: 290, y: 150 });
    store.getState().select({ nodes: ['c1'], edges: [] }); // the drag ended: the next one is a new step
    store.getState().perform(A.moveNodes, { positions: { c1: { x: 0, y: 0 } } });
    expect(store.getState().past).toHaveLength(2);
    store.getState().undo();
    store.getState().undo();
    expect(store.getState().doc).toBe(start);
  });

  it('insertBefore and autoLayout', async () => {
    const ins = roundTrip(base, A.insertBefore, { nodeId: 'r1', port: 0, type: 'batchNorm' });
    expect(ins.edges).toContainEqual({ source: 'c1', target: 'batchNorm1' });
    expect(ins.edges).toContainEqual({ source: 'batchNorm1', target: 'r1' });
    const laid = roundTrip(lenet(), A.layoutGraph, { positions: await autoLayout(lenet()) });
    const ys = laid.nodes.map((n) => laid.layout![n.id]!.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys); // a chain is laid out top to bottom
  });

  it('applies a diagnostic fix: a dense layer on an image gets a flatten', () => {
    const doc = chain(['in', 'input', { shape: [8, 8, 1] }], ['d', 'dense', { units: 10 }]);
    const diag = checkGraph(doc).diagnostics.find((d) => d.fix);
    expect(diag?.code).toBe('dense-on-spatial');
    const fixed = roundTrip(doc, A.applyFix, { fix: diag!.fix!.action });
    expect(checkGraph(fixed).ok).toBe(true);
    expect(fixed.nodes.map((n) => n.type)).toContain('flatten');
  });

  it('training config edits are validated, per-layer weight decay is stored by node id', () => {
    const doc = lenet();
    expect(roundTrip(doc, A.setTraining, { patch: { learningRate: 0.01 } }).training?.learningRate).toBe(0.01);
    const store = createEditorStore(doc);
    expect(store.getState().perform(A.setTraining, { patch: { learningRate: -1 } })).toMatchObject({
      error: expect.stringContaining('training.learningRate'),
    });
    expect(store.getState().doc).toBe(doc);
    const decayed = roundTrip(doc, A.setLayerWeightDecay, { nodeId: 'c1', value: 0.005 });
    expect((decayed.training as { layerWeightDecay: object }).layerWeightDecay).toEqual({ c1: 0.005 });
    expect(roundTrip(doc, A.setDataset, { source: '/data/fashion' }).dataset).toEqual({ source: '/data/fashion' });
  });

  it('paste gives every pasted node a fresh id and keeps inner edges', () => {
    const store = createEditorStore(lenet());
    const clip = copySelection(store.getState().doc, ['c1', 'r1', 's2'])!;
    expect(clip.edges).toHaveLength(2);
    store.getState().perform(A.paste, { clip, offset: { x: 40, y: 40 } });
    store.getState().perform(A.paste, { clip, offset: { x: 80, y: 80 } });
    const ids = store.getState().doc.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(14 + 6);
    expect(store.getState().selection.nodes).toHaveLength(3);
    const pasted = store.getState().selection.nodes;
    expect(store.getState().doc.edges.filter((e) => pasted.includes(e.source) && pasted.includes(e.target))).toHaveLength(2);
    roundTrip(lenet(), A.paste, { clip, offset: { x: 40, y: 40 } });
  });

  it('JSON edits: valid text replaces the document (undoably), invalid text is refused with the parser message', () => {
    const doc = lenet();
    const text = serializeGraph({ ...doc, name: 'Edited in code' });
    expect(roundTrip(doc, A.editJson, { text }).name).toBe('Edited in code');
    const store = createEditorStore(doc);
    const bad = store.getState().perform(A.editJson, { text: text.replace('"filters": 6', '"filters": -6') });
    expect(bad).toEqual({ error: 'nodes[1].params.filters: expected a positive integer, got -6' });
    const broken = store.getState().perform(A.editJson, { text: '{"format": ' });
    expect(broken).toMatchObject({ error: expect.stringMatching(/^not valid JSON/) });
    expect(store.getState().doc).toBe(doc);
  });

  it('loading a document starts a fresh history; dirty tracks the saved document, also through undo', () => {
    const store = createEditorStore(lenet());
    store.getState().perform(A.setLabel, { nodeId: 'c1', label: 'x' });
    expect(isDirty(store.getState())).toBe(true);
    store.getState().undo();
    expect(isDirty(store.getState())).toBe(false);
    const other = chain(['in', 'input', { shape: [4] }], ['d', 'dense', { units: 2 }]);
    store.getState().perform(A.loadDocument, { doc: other });
    store.getState().markSaved('/tmp/other.json');
    expect(store.getState().past).toHaveLength(0);
    expect(store.getState().undo()).toBe(false);
    expect(isDirty(store.getState())).toBe(false);
    expect(store.getState().filePath).toBe('/tmp/other.json');
  });

  it('selection of deleted nodes is dropped on undo/redo', () => {
    const store = createEditorStore(base);
    store.getState().perform(A.addNode, { type: 'dropout', position: { x: 0, y: 0 } });
    expect(store.getState().selection.nodes).toEqual(['dropout1']);
    store.getState().undo();
    expect(store.getState().selection.nodes).toEqual([]);
  });
});
