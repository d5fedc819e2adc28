/**
 * Every edit the editor can make, as a named action over the pure edit functions in
 * engine/graph/edits. An action returns the new document and whether it enters the undo stack
 * (moves coalesce into one step), or an error that changes nothing. Shortcuts, menus, buttons
 * and the code panel all go through these.
 */
import type { FixAction } from '../../../engine/check/diagnostics';
import * as edits from '../../../engine/graph/edits';
import { parseGraph } from '../../../engine/graph/load';
import { changeType as changeNodeType, insertOnEdge as insertIntoEdge, removeNodesBridging } from '../../../engine/graph/rewire';
import { getLayer } from '../../../engine/layers/registry';
import { resolveTrainingConfig } from '../../../engine/graph/training';
import type { GraphDoc, NodeId, Position } from '../../../engine/graph/types';
import { makeRoom } from '../layout/freeSpace';
import { pasteClip, type Clip } from './clipboard';

export interface Selection {
  readonly nodes: readonly NodeId[];
  /** Edge keys, see `edgeKey`. */
  readonly edges: readonly string[];
}
export const NO_SELECTION: Selection = { nodes: [], edges: [] };

export interface Change {
  readonly doc: GraphDoc;
  readonly undoable: boolean;
  /** Consecutive changes with the same key merge into one undo step (a drag). */
  readonly coalesceKey?: string;
  readonly selection?: Selection;
  /** A new document (open, new, template): the old history no longer applies. */
  readonly resetHistory?: boolean;
  /** What the edit did beyond the obvious, for a notice ("r1 takes one input: in → r1 replaced C1 → r1"). */
  readonly notice?: string;
}
export type Outcome = Change | { readonly error: string };

export interface Action<A> {
  readonly name: string;
  perform(doc: GraphDoc, args: A, selection: Selection): Outcome;
}

const define = <A>(name: string, perform: Action<A>['perform']): Action<A> => ({ name, perform });
const undoable = (doc: GraphDoc, extra: Partial<Change> = {}): Change => ({ doc, undoable: true, ...extra });

/** Edges have no id in the file; source and target identify one (duplicates are refused). */
export const edgeKey = (source: NodeId, target: NodeId): string => `${source}->${target}`;

export const addNode = define<{ type: string; position: Position }>('addNode', (doc, { type, position }) => {
  const added = edits.addNode(doc, type, position);
  return undoable(added.doc, { selection: { nodes: [added.id], edges: [] } });
});

/** A node as the student sees it named: its label, else its id. */
const nameOf = (doc: GraphDoc, id: NodeId) => doc.nodes.find((n) => n.id === id)?.label ?? id;

/**
 * Connects. A cable already on the port it lands on (a one-input node's input, a merge's numbered
 * port) is replaced, with a notice that says which: a replaced edge never just disappears.
 */
export const connect = define<{ source: NodeId; target: NodeId; port?: number }>('connect', (doc, { source, target, port }) => {
  const refusal = edits.connectionRefusal(doc, source, target);
  if (refusal) return { error: refusal };
  const single = (getLayer(doc.nodes.find((n) => n.id === target)?.type ?? '')?.arity.max ?? 1) === 1;
  const taken = doc.edges.find((e) => e.target === target && (port !== undefined ? e.targetPort === port : single));
  const base = taken ? edits.disconnect(doc, taken.source, target) : doc;
  const arrow = (from: NodeId) => `${nameOf(doc, from)} → ${nameOf(doc, target)}`;
  const why = port !== undefined ? `input ${port} of ${nameOf(doc, target)} takes one cable` : `${nameOf(doc, target)} takes one input`;
  return undoable(edits.connect(base, source, target, port), {
    ...(taken ? { notice: `${why}: ${arrow(source)} replaced ${arrow(taken.source)} (Ctrl+Z puts it back)` } : {}),
  });
});

/** Puts a new layer into an edge (dropped on it, or from the edge's menu). */
export const insertOnEdge = define<{ source: NodeId; target: NodeId; type: string; position: Position }>(
  'insertOnEdge',
  (doc, { source, target, type, position }) => {
    const inserted = insertIntoEdge(doc, source, target, type, position);
    if ('error' in inserted) return inserted;
    return undoable(makeRoom(inserted.doc, inserted.id), { selection: { nodes: [inserted.id], edges: [] } });
  },
);

/** ReLU → sigmoid in place: same id, label, cables and position. */
export const changeType = define<{ nodeId: NodeId; type: string }>('changeType', (doc, { nodeId, type }) => {
  const changed = changeNodeType(doc, nodeId, type);
  return 'error' in changed ? changed : undoable(changed.doc);
});

/**
 * Deletes nodes and edges. A deleted node in the middle of a chain passes its input on to what it
 * fed (removeNodesBridging), and the notice says so.
 */
export const deleteElements = define<{ nodes: readonly NodeId[]; edges: readonly string[] }>('delete', (doc, { nodes, edges }) => {
  if (nodes.length === 0 && edges.length === 0) return { error: 'nothing is selected' };
  const goneEdges = new Set(edges);
  const bridged = removeNodesBridging(doc, nodes);
  let next = { ...bridged.doc, edges: bridged.doc.edges.filter((e) => !goneEdges.has(edgeKey(e.source, e.target))) };
  const training = next.training as { layerWeightDecay?: Record<string, number> } | undefined;
  if (training?.layerWeightDecay && nodes.some((id) => id in training.layerWeightDecay!)) {
    const layerWeightDecay = { ...training.layerWeightDecay };
    for (const id of nodes) delete layerWeightDecay[id];
    next = { ...next, training: { ...training, layerWeightDecay } };
  }
  const kept = bridged.bridges.filter((b) => next.edges.some((e) => e.source === b.source && e.target === b.target));
  const notice =
    kept.length > 0
      ? `Connected ${kept.map((b) => `${nameOf(doc, b.source)} → ${nameOf(doc, b.target)}`).join(', ')} to keep the chain (Ctrl+Z undoes the delete)`
      : undefined;
  return undoable(next, { selection: { nodes: [], edges: [] }, ...(notice ? { notice } : {}) });
});

export const setParam = define<{ nodeId: NodeId; name: string; value: unknown }>('setParam', (doc, { nodeId, name, value }) => {
  const result = edits.setParam(doc, nodeId, name, value);
  return 'error' in result ? result : undoable(result.doc);
});

/** Back to the catalogue's default. */
export const removeParam = define<{ nodeId: NodeId; name: string }>('removeParam', (doc, { nodeId, name }) =>
  undoable(edits.removeParam(doc, nodeId, name)),
);

export const setLabel = define<{ nodeId: NodeId; label: string }>('setLabel', (doc, { nodeId, label }) =>
  undoable(edits.setLabel(doc, nodeId, label)),
);

export const setTrainable = define<{ nodeId: NodeId; trainable: boolean | undefined }>('setTrainable', (doc, { nodeId, trainable }) =>
  undoable(edits.setTrainable(doc, nodeId, trainable)),
);

export const moveNodes = define<{ positions: Record<NodeId, Position> }>('moveNodes', (doc, { positions }) =>
  undoable(edits.moveNodes(doc, positions), { coalesceKey: `move:${Object.keys(positions).sort().join(',')}` }),
);

export const insertBefore = define<{ nodeId: NodeId; port: number; type: string; params?: Record<string, unknown> }>(
  'insertBefore',
  (doc, { nodeId, port, type, params }) => {
    const inserted = edits.insertBefore(doc, nodeId, port, type, params);
    return undoable(makeRoom(inserted.doc, inserted.id), { selection: { nodes: [inserted.id], edges: [] } });
  },
);

export const applyFix = define<{ fix: FixAction }>('applyFix', (doc, { fix }) => {
  const next = edits.applyFix(doc, fix);
  if (next === doc) return { error: 'this fix no longer applies' };
  // A fix that inserted a layer (a flatten, a 1×1 conv) gets room in its column.
  const added = next.nodes.find((n) => !doc.nodes.some((o) => o.id === n.id));
  return undoable(added ? makeRoom(next, added.id) : next);
});

/** Open, new, template: replaces the document and starts a fresh history. */
export const loadDocument = define<{ doc: GraphDoc }>('loadDocument', (_doc, { doc }) => ({
  doc,
  undoable: false,
  resetHistory: true,
  selection: { nodes: [], edges: [] },
}));

/** The code panel's edit: the whole document as JSON text; invalid text changes nothing. */
export const editJson = define<{ text: string }>('editJson', (doc, { text }) => {
  const parsed = parseGraph(text);
  if (!parsed.ok) return { error: parsed.error };
  return undoable(parsed.doc);
});

export const paste = define<{ clip: Clip; offset: Position }>('paste', (doc, { clip, offset }) => {
  const pasted = pasteClip(doc, clip, offset);
  return undoable(pasted.doc, { selection: { nodes: pasted.ids, edges: [] } });
});

/** Auto-layout's result (layout/autoLayout.ts computes it, asynchronously): one undoable step. Nodes since deleted are skipped. */
export const layoutGraph = define<{ positions: Record<NodeId, Position> }>('autoLayout', (doc, { positions }) => {
  const ids = new Set(doc.nodes.map((n) => n.id));
  return undoable(edits.moveNodes(doc, Object.fromEntries(Object.entries(positions).filter(([id]) => ids.has(id)))));
});

export const renameGraph = define<{ name: string }>('rename', (doc, { name }) =>
  name.trim() ? undoable({ ...doc, name: name.trim() }) : { error: 'the graph needs a name' },
);

/** Merges a patch into `doc.training`; refused (with the field named) when the result is invalid. */
export const setTraining = define<{ patch: Record<string, unknown> }>('setTraining', (doc, { patch }) => {
  const training = { ...(doc.training ?? {}), ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete training[k];
  const checked = resolveTrainingConfig(training);
  return checked.ok ? undoable({ ...doc, training }) : { error: checked.error };
});

/** Per-layer L2 strength λ_l; null goes back to the global weight decay. */
export const setLayerWeightDecay = define<{ nodeId: NodeId; value: number | null }>('setLayerWeightDecay', (doc, { nodeId, value }) => {
  if (value !== null && (!Number.isFinite(value) || value < 0)) return { error: `weight decay: expected a number ≥ 0, got ${value}` };
  const training = (doc.training ?? {}) as { layerWeightDecay?: Record<string, number> };
  const layerWeightDecay = { ...(training.layerWeightDecay ?? {}) };
  if (value === null) delete layerWeightDecay[nodeId];
  else layerWeightDecay[nodeId] = value;
  return undoable({ ...doc, training: { ...training, layerWeightDecay } });
});

export const setDataset = define<{ source: string }>('setDataset', (doc, { source }) =>
  source.trim() ? undoable({ ...doc, dataset: { ...(doc.dataset ?? {}), source: source.trim() } }) : { error: 'choose a dataset' },
);
