/**
 * Every edit to a document is a pure function from document to document. The editor's actions,
 * one-click fixes, undo/redo and the CLI all go through these, so there is one path for each edit.
 */
import type { FixAction } from '../check/diagnostics';
import { resolveParams, validateParam } from '../layers/params';
import { getLayer } from '../layers/registry';
import { lockRefusal } from '../lesson/locks';
import type { GraphDoc, GraphEdge, GraphNode, NodeId, Position } from './types';

/** A fresh id like `conv2d3`, unique in the document. */
export function freshId(doc: GraphDoc, type: string): NodeId {
  const taken = new Set(doc.nodes.map((n) => n.id));
  for (let i = 1; ; i++) if (!taken.has(`${type}${i}`)) return `${type}${i}`;
}

/** The params a new node starts with: each required param's example from the catalogue. */
export function starterParams(type: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(getLayer(type)?.params ?? {})) {
    if (spec.required && spec.example !== undefined) params[name] = structuredClone(spec.example);
  }
  return params;
}

export function addNode(
  doc: GraphDoc,
  type: string,
  position: Position,
  params: Record<string, unknown> = starterParams(type),
  id: NodeId = freshId(doc, type),
): { doc: GraphDoc; id: NodeId } {
  const node: GraphNode = { id, type, params };
  return { doc: { ...doc, nodes: [...doc.nodes, node], layout: { ...doc.layout, [id]: position } }, id };
}

export function removeNodes(doc: GraphDoc, ids: Iterable<NodeId>): GraphDoc {
  const gone = new Set(ids);
  const layout = { ...doc.layout };
  for (const id of gone) delete layout[id];
  // A deleted output leaves the choice to the checker again.
  const { output, ...rest } = doc;
  return {
    ...(output !== undefined && gone.has(output) ? rest : doc),
    nodes: doc.nodes.filter((n) => !gone.has(n.id)),
    edges: doc.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)),
    layout,
  };
}

/**
 * Why an edge may never be valid (so the editor refuses it while dragging), or null. With
 * `lessonBase` (the lesson as opened, student mode), an edge that would break one of its locks is
 * refused with the lock's reason.
 */
export function connectionRefusal(doc: GraphDoc, source: NodeId, target: NodeId, lessonBase: GraphDoc | null = null): string | null {
  const refusal = graphRefusal(doc, source, target);
  if (refusal || !lessonBase?.lesson) return refusal;
  return lockRefusal(lessonBase, connect(doc, source, target));
}

function graphRefusal(doc: GraphDoc, source: NodeId, target: NodeId): string | null {
  if (source === target) return 'a node cannot feed itself';
  const targetNode = doc.nodes.find((n) => n.id === target);
  if (!targetNode) return `there is no node "${target}"`;
  if (!doc.nodes.some((n) => n.id === source)) return `there is no node "${source}"`;
  const spec = getLayer(targetNode.type);
  if (spec && spec.arity.max === 0) return `${target} is an input node: nothing can feed it`;
  if (doc.edges.some((e) => e.source === source && e.target === target)) return `${source} already feeds ${target}`;
  // Would the new edge close a loop? It does if target already reaches source.
  const outgoing = new Map<NodeId, NodeId[]>();
  for (const e of doc.edges) outgoing.set(e.source, [...(outgoing.get(e.source) ?? []), e.target]);
  const stack = [target];
  const seen = new Set<NodeId>();
  while (stack.length) {
    const id = stack.pop()!;
    if (id === source) return `connecting ${source} → ${target} would make a cycle`;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(outgoing.get(id) ?? []));
  }
  return null;
}

/** Adds an edge. Merges (add/concat) get the next free port so the order stays explicit. */
export function connect(doc: GraphDoc, source: NodeId, target: NodeId, targetPort?: number): GraphDoc {
  const spec = getLayer(doc.nodes.find((n) => n.id === target)?.type ?? '');
  let edges = doc.edges;
  if (spec && spec.arity.max === 1) edges = edges.filter((e) => e.target !== target); // one input: replace it
  const edge: GraphEdge =
    targetPort !== undefined
      ? { source, target, targetPort }
      : spec && spec.arity.max > 1
        ? { source, target, targetPort: nextPort(edges, target) }
        : { source, target };
  return { ...doc, edges: [...edges, edge] };
}

function nextPort(edges: readonly GraphEdge[], target: NodeId): number {
  const used = new Set(edges.filter((e) => e.target === target).map((e, i) => e.targetPort ?? i));
  let port = 0;
  while (used.has(port)) port++;
  return port;
}

export function disconnect(doc: GraphDoc, source: NodeId, target: NodeId): GraphDoc {
  return { ...doc, edges: doc.edges.filter((e) => !(e.source === source && e.target === target)) };
}

function mapNode(doc: GraphDoc, id: NodeId, f: (n: GraphNode) => GraphNode): GraphDoc {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? f(n) : n)) };
}

/**
 * Sets one param after validating it against the catalogue. An invalid value changes nothing
 * and comes back as an error the inspector shows.
 */
export function setParam(doc: GraphDoc, id: NodeId, name: string, value: unknown): { doc: GraphDoc } | { error: string } {
  const node = doc.nodes.find((n) => n.id === id);
  if (!node) return { error: `there is no node "${id}"` };
  const spec = getLayer(node.type)?.params[name];
  if (spec) {
    const why = validateParam(spec, value);
    if (why) return { error: `${name}: ${why}` };
  }
  return { doc: mapNode(doc, id, (n) => ({ ...n, params: { ...n.params, [name]: value } })) };
}

export function removeParam(doc: GraphDoc, id: NodeId, name: string): GraphDoc {
  return mapNode(doc, id, (n) => {
    const params = { ...n.params };
    delete params[name];
    return { ...n, params };
  });
}

export function setLabel(doc: GraphDoc, id: NodeId, label: string): GraphDoc {
  return mapNode(doc, id, (n) => {
    const { label: _old, ...rest } = n;
    return label.trim() ? { ...rest, label } : (rest as GraphNode);
  });
}

/** Freezes (false) or unfreezes (true) a node's weights; undefined: back to its layer's default. */
export function setTrainable(doc: GraphDoc, id: NodeId, trainable: boolean | undefined): GraphDoc {
  return mapNode(doc, id, (n) => {
    const { trainable: _old, ...rest } = n;
    return trainable === undefined ? (rest as GraphNode) : { ...rest, trainable };
  });
}

export function moveNodes(doc: GraphDoc, positions: Readonly<Record<NodeId, Position>>): GraphDoc {
  return { ...doc, layout: { ...doc.layout, ...positions } };
}

/**
 * Puts a new node on the edge that feeds `port` of `nodeId`: a → b becomes a → new → b.
 * Used by fixes such as "insert a flatten before the dense layer".
 */
export function insertBefore(
  doc: GraphDoc,
  nodeId: NodeId,
  port: number,
  type: string,
  params: Record<string, unknown> = {},
): { doc: GraphDoc; id: NodeId } {
  const incoming = doc.edges
    .map((e, index) => ({ e, index }))
    .filter(({ e }) => e.target === nodeId)
    .sort((a, b) => (a.e.targetPort ?? Infinity) - (b.e.targetPort ?? Infinity) || a.index - b.index);
  const feeding = incoming[port]?.e;
  const at = doc.layout?.[nodeId];
  const from = feeding ? doc.layout?.[feeding.source] : undefined;
  const position = at && from ? { x: (at.x + from.x) / 2, y: (at.y + from.y) / 2 } : at ? { x: at.x, y: at.y - 80 } : { x: 0, y: 0 };
  const added = addNode(doc, type, position, { ...params });
  if (!feeding) return added;
  const edges = added.doc.edges.flatMap((e) =>
    e === feeding
      ? [
          { source: feeding.source, target: added.id },
          { ...feeding, source: added.id },
        ]
      : [e],
  );
  return { doc: { ...added.doc, edges }, id: added.id };
}

/** A new node fed by `nodeId`, placed below it: the fixes that extend the graph's output. */
export function appendAfter(
  doc: GraphDoc,
  nodeId: NodeId,
  type: string,
  params: Record<string, unknown> = {},
): { doc: GraphDoc; id: NodeId } {
  const at = doc.layout?.[nodeId];
  const added = addNode(doc, type, at ? { x: at.x, y: at.y + 110 } : { x: 0, y: 0 }, { ...params });
  return { doc: { ...added.doc, edges: [...added.doc.edges, { source: nodeId, target: added.id }] }, id: added.id };
}

/** Applies a diagnostic's one-click fix. */
export function applyFix(doc: GraphDoc, action: FixAction): GraphDoc {
  switch (action.kind) {
    case 'insertBefore':
      return insertBefore(doc, action.nodeId, action.port, action.type, action.params).doc;
    case 'appendAfter':
      return appendAfter(doc, action.nodeId, action.type, action.params).doc;
    case 'setParam': {
      const r = setParam(doc, action.nodeId, action.param, action.value);
      return 'doc' in r ? r.doc : doc;
    }
    case 'removeParam':
      return removeParam(doc, action.nodeId, action.param);
    case 'removeEdge':
      return disconnect(doc, action.source, action.target);
    case 'removeNode':
      return removeNodes(doc, [action.nodeId]);
    case 'removeNodes':
      return removeNodes(doc, action.nodeIds);
    case 'setOutput':
      return doc.nodes.some((n) => n.id === action.nodeId) ? { ...doc, output: action.nodeId } : doc;
    case 'insertChain':
      return insertChain(doc, action.nodeId, action.where, action.layers);
    case 'setTraining':
      return { ...doc, training: { ...(doc.training ?? {}), [action.field]: action.value } };
  }
}

/**
 * Layers in a chain between `nodeId` and what it feeds ('after': appended to an output, and a
 * declared output moves to the last of them), or before its first input ('before').
 */
export function insertChain(
  doc: GraphDoc,
  nodeId: NodeId,
  where: 'before' | 'after',
  layers: readonly { readonly type: string; readonly params?: Record<string, unknown> }[],
): GraphDoc {
  let next = doc;
  if (where === 'before') {
    for (const layer of layers) next = insertBefore(next, nodeId, 0, layer.type, layer.params).doc;
    return next;
  }
  const at = doc.layout?.[nodeId] ?? { x: 0, y: 0 };
  const fed = doc.edges.filter((e) => e.source === nodeId);
  next = { ...next, edges: next.edges.filter((e) => e.source !== nodeId) };
  let last = nodeId;
  layers.forEach((layer, i) => {
    const added = addNode(next, layer.type, { x: at.x, y: at.y + 124 * (i + 1) }, { ...(layer.params ?? {}) });
    next = connect(added.doc, last, added.id);
    last = added.id;
  });
  next = { ...next, edges: [...next.edges, ...fed.map((e) => ({ ...e, source: last }))] };
  return doc.output === nodeId ? { ...next, output: last } : next;
}

/** Params with defaults filled in, for display (the document keeps only what was written). */
export function effectiveParams(node: GraphNode): Record<string, unknown> {
  const spec = getLayer(node.type);
  return spec ? resolveParams(spec.params, node.params).values : { ...node.params };
}
