/**
 * Edits that rewire the graph around a node while keeping the rest as it was: deleting a node
 * from the middle of a chain (its input is passed on to what it fed), putting a layer into an
 * edge, and changing a node's type in place (ReLU → sigmoid) with its id, label and cables.
 * Pure, like edits.ts, so undo, the CLI and tests share them.
 */
import { validateParam } from '../layers/params';
import { getLayer, LAYER_TYPES } from '../layers/registry';
import { addNode, connectionRefusal, removeNodes, starterParams } from './edits';
import type { GraphDoc, GraphEdge, GraphNode, NodeId, Position } from './types';

/** Who feeds whom anew after a delete: `source` now feeds `target` (on `targetPort`, if any). */
export interface Bridge {
  readonly source: NodeId;
  readonly target: NodeId;
}

/**
 * Removes nodes and reconnects across them: where a removed node had exactly one input, whatever
 * it fed is fed by that input instead (through a run of removed single-input nodes too), on the
 * same port. A removed input node, or one with several inputs, leaves its outputs unconnected.
 *
 * @example removeNodesBridging(lenet, ['r1']) // c1 → s2 joins the chain again; bridges [{source: 'c1', target: 's2'}]
 */
export function removeNodesBridging(doc: GraphDoc, ids: Iterable<NodeId>): { doc: GraphDoc; bridges: Bridge[] } {
  const gone = new Set(ids);
  const incoming = new Map<NodeId, GraphEdge[]>();
  for (const e of doc.edges) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e]);
  /** The kept node a removed node's value came from, or null when it had no single input. */
  const origin = (id: NodeId, seen = new Set<NodeId>()): NodeId | null => {
    if (seen.has(id)) return null;
    seen.add(id);
    const ins = incoming.get(id) ?? [];
    if (ins.length !== 1) return null;
    const from = ins[0]!.source;
    return gone.has(from) ? origin(from, seen) : from;
  };
  const removed = removeNodes(doc, gone);
  const added: GraphEdge[] = [];
  const bridges: Bridge[] = [];
  for (const e of doc.edges) {
    if (!gone.has(e.source) || gone.has(e.target)) continue;
    const source = origin(e.source);
    if (source === null) continue;
    const next = { ...removed, edges: [...removed.edges, ...added] };
    if (connectionRefusal(next, source, e.target) !== null) continue;
    const { source: _old, ...rest } = e;
    added.push({ ...rest, source });
    bridges.push({ source, target: e.target });
  }
  return { doc: { ...removed, edges: [...removed.edges, ...added] }, bridges };
}

/** Why a node of `type` cannot go into the edge source → target, or null. */
export function insertRefusal(doc: GraphDoc, source: NodeId, target: NodeId, type: string): string | null {
  const spec = getLayer(type);
  if (!spec) return `there is no layer type "${type}"`;
  if (spec.arity.max === 0) return `an ${spec.label.toLowerCase()} node takes no input, so it cannot go into an edge`;
  if (!doc.edges.some((e) => e.source === source && e.target === target)) return `there is no edge ${source} → ${target}`;
  return null;
}

/**
 * Puts a new node of `type` into the edge source → target at `position`: source → new → target,
 * the new node's output taking the edge's place (its port included). Null when refused.
 */
export function insertOnEdge(
  doc: GraphDoc,
  source: NodeId,
  target: NodeId,
  type: string,
  position: Position,
): { doc: GraphDoc; id: NodeId } | { error: string } {
  const why = insertRefusal(doc, source, target, type);
  if (why) return { error: why };
  const added = addNode(doc, type, position);
  const edges = added.doc.edges.flatMap((e) =>
    e.source === source && e.target === target
      ? [
          { source, target: added.id },
          { ...e, source: added.id },
        ]
      : [e],
  );
  return { doc: { ...added.doc, edges }, id: added.id };
}

/** The types a node could change to: those that take as many inputs as it has (an input stays an input). */
export function typesFor(doc: GraphDoc, id: NodeId): string[] {
  const node = doc.nodes.find((n) => n.id === id);
  if (!node) return [];
  const inputs = doc.edges.filter((e) => e.target === id).length;
  const isInput = getLayer(node.type)?.arity.max === 0;
  return LAYER_TYPES.filter((t) => {
    const spec = getLayer(t)!;
    if (spec.arity.max === 0) return isInput;
    return !isInput && inputs <= spec.arity.max && (inputs >= spec.arity.min || inputs === 0);
  });
}

/**
 * The node as a `type` layer, with its id, label, cables and position: the params the new type
 * shares with the old (and that are valid for it) are kept, required ones it lacks start from
 * the catalogue's example.
 */
export function changeType(doc: GraphDoc, id: NodeId, type: string): { doc: GraphDoc } | { error: string } {
  const node = doc.nodes.find((n) => n.id === id);
  if (!node) return { error: `there is no node "${id}"` };
  const spec = getLayer(type);
  if (!spec) return { error: `there is no layer type "${type}"` };
  if (!typesFor(doc, id).includes(type)) {
    const inputs = doc.edges.filter((e) => e.target === id).length;
    return { error: `${id} has ${inputs} input${inputs === 1 ? '' : 's'}; a ${spec.label} node cannot take that` };
  }
  const params: Record<string, unknown> = starterParams(type);
  for (const [name, value] of Object.entries(node.params)) {
    const p = spec.params[name];
    if (p && validateParam(p, value) === null) params[name] = value;
  }
  const changed: GraphNode = { ...node, type, params };
  return { doc: { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? changed : n)) } };
}
