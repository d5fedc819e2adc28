/**
 * Derives React Flow's nodes and edges from the document and the checker's result. Node objects
 * are reused when nothing visible changed, so React Flow re-renders only the nodes an edit touched
 * (this is what keeps a 300-node graph smooth).
 */
import type { Edge, Node } from '@xyflow/react';
import type { Diagnostic, Fix } from '../../../engine/check/diagnostics';
import type { CheckResult } from '../../../engine/check/types';
import type { GraphDoc, GraphEdge, GraphNode, NodeId } from '../../../engine/graph/types';
import { getLayer } from '../../../engine/layers/registry';
import { formatShape } from '../../../engine/layers/spec';
import { lockOf } from '../../../engine/lesson/locks';
import type { Lesson } from '../../../engine/lesson/schema';
import { edgeKey, type Selection } from '../store/actions';
import { defaultPosition } from '../layout/geometry';
import { inputPorts, portRanks, routeAll, type EdgeRoute, type Routes } from './edgeRoutes';
import { formatCount } from './format';

/** React Flow's measured node sizes, handed back to it (routes and layout use NODE_SIZE). */
export type Sizes = ReadonlyMap<NodeId, { width: number; height: number }>;

export interface LayerNodeData extends Record<string, unknown> {
  readonly title: string;
  readonly typeLabel: string;
  readonly shape: string;
  readonly paramCount: string;
  /** The node keeps its weights through training (its `trainable: false`, or a hand-set kernel). */
  readonly frozen: boolean;
  readonly settings: string;
  readonly field: string | null;
  readonly status: 'ok' | 'error' | 'unknown';
  readonly message: string | null;
  readonly warning: string | null;
  readonly fix: Fix | null;
  /** The model's output (what training and exports use): marked on the card. */
  readonly isOutput: boolean;
  /** 0 for an input; 1 for ordinary layers; numbered ports for merges. */
  readonly ports: number;
  readonly numbered: boolean;
  /** A lesson's lock on the node, as its padlock's tooltip; null when unlocked. */
  readonly locked: string | null;
}
export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

function describeValue(value: unknown): string {
  // A hand-set kernel's rows of numbers: its size is what fits on a node.
  if (Array.isArray(value) && Array.isArray(value[0])) return `${value.length}×${(value[0] as unknown[]).length} numbers`;
  if (Array.isArray(value)) return value.join('×');
  return String(value);
}

function lockText(lesson: Lesson | undefined, id: NodeId): string | null {
  const lock = lockOf(lesson, id);
  if (!lock) return null;
  if (lock.node) return 'Locked by the lesson: cannot be deleted, edited or rewired (it can be moved)';
  return `Kept by the lesson${lock.params.length ? `; locked: ${lock.params.join(', ')}` : ''}`;
}

function nodeData(node: GraphNode, check: CheckResult, mine: readonly Diagnostic[], incoming: number, lesson?: Lesson): LayerNodeData {
  const spec = getLayer(node.type);
  const report = check.nodes[node.id];
  const error = mine.find((d) => d.severity === 'error');
  const warning = mine.find((d) => d.severity === 'warning');
  const rf = report?.receptiveField;
  const merges = (spec?.arity.max ?? 1) > 1;
  return {
    title: node.label ?? node.id,
    typeLabel: spec?.label ?? node.type,
    shape: report?.outputShape ? formatShape(report.outputShape) : '?',
    paramCount:
      report && report.params > 0 ? formatCount(report.params) : report && report.frozenParams > 0 ? formatCount(report.frozenParams) : '',
    frozen: report !== undefined && report.frozenParams > 0,
    settings: Object.entries(node.params)
      .map(([k, v]) => `${k} ${describeValue(v)}`)
      .join(' · '),
    field: rf && rf.size[0] > 1 ? `RF ${rf.size[0]}×${rf.size[1]} /${rf.jump[0]}` : null,
    status: error ? 'error' : (report?.status ?? 'unknown'),
    message: error?.message ?? null,
    warning: warning?.message ?? null,
    fix: (error ?? warning)?.fix ?? null,
    isOutput: check.outputIds[0] === node.id && check.outputIds.length > 0 && !check.diagnostics.some((d) => d.code === 'several-outputs'),
    ports: inputPorts(node.type, incoming),
    numbered: merges,
    locked: lockText(lesson, node.id),
  };
}

function sameData(a: LayerNodeData, b: LayerNodeData): boolean {
  for (const key of Object.keys(a) as (keyof LayerNodeData)[]) {
    if (key === 'fix') {
      if (a.fix !== b.fix && (a.fix === null || b.fix === null || JSON.stringify(a.fix) !== JSON.stringify(b.fix))) return false;
    } else if (a[key] !== b[key]) return false;
  }
  return true;
}

const NONE: readonly Diagnostic[] = [];

function diagnosticsByNode(check: CheckResult): Map<NodeId, Diagnostic[]> {
  const map = new Map<NodeId, Diagnostic[]>();
  for (const d of check.diagnostics) if (d.nodeId !== null) map.set(d.nodeId, [...(map.get(d.nodeId) ?? []), d]);
  return map;
}

export function toFlowNodes(
  doc: GraphDoc,
  check: CheckResult,
  selection: Selection,
  sizes: Sizes,
  previous: Map<NodeId, LayerFlowNode>,
): LayerFlowNode[] {
  const selected = new Set(selection.nodes);
  const incoming = new Map<NodeId, number>();
  for (const e of doc.edges) incoming.set(e.target, (incoming.get(e.target) ?? 0) + 1);
  const byNode = diagnosticsByNode(check);
  const nodes = doc.nodes.map((n, i): LayerFlowNode => {
    const data = nodeData(n, check, byNode.get(n.id) ?? NONE, incoming.get(n.id) ?? 0, doc.lesson);
    const position = doc.layout?.[n.id] ?? defaultPosition(i);
    const measured = sizes.get(n.id);
    const old = previous.get(n.id);
    if (
      old &&
      old.position.x === position.x &&
      old.position.y === position.y &&
      old.selected === selected.has(n.id) &&
      old.measured === measured &&
      sameData(old.data, data)
    ) {
      return old;
    }
    // Broken nodes grow (message, fix button): keep them above their neighbours.
    const zIndex = data.message ? 10 : 0;
    return { id: n.id, type: 'layer', position, data, zIndex, selected: selected.has(n.id), ...(measured ? { measured } : {}) };
  });
  previous.clear();
  for (const n of nodes) previous.set(n.id, n);
  return nodes;
}

export type RoutedFlowEdge = Edge<{ route: EdgeRoute | undefined }, 'routed'>;

/**
 * Edges with their shape labels and routes. `previous` holds last time's edges and routes: an edge
 * whose label, port, state and route did not change is the same object, so React Flow skips it.
 */
export function toFlowEdges(
  doc: GraphDoc,
  check: CheckResult,
  selection: Selection,
  previous: { edges: Map<string, RoutedFlowEdge>; routes: Routes },
): RoutedFlowEdge[] {
  const selected = new Set(selection.edges);
  const ranks = portRanks(doc.edges);
  const typeOf = new Map(doc.nodes.map((n) => [n.id, n.type]));
  const labels = new Map<string, string>();
  for (const e of doc.edges) {
    const shape = check.nodes[e.source]?.outputShape;
    labels.set(edgeKey(e.source, e.target), shape ? formatShape(shape) : '?');
  }
  const routes = routeAll(doc, labels, previous.routes);
  const edges = doc.edges.map((e): RoutedFlowEdge => {
    const id = edgeKey(e.source, e.target);
    const merges = (getLayer(typeOf.get(e.target) ?? '')?.arity.max ?? 1) > 1;
    const label = labels.get(id)!;
    const targetHandle = merges ? `in-${ranks.get(e) ?? 0}` : 'in';
    const className = check.nodes[e.target]?.status === 'error' ? 'edge-error' : undefined;
    const isSelected = selected.has(id);
    const route = routes.get(id);
    const old = previous.edges.get(id);
    if (
      old &&
      old.label === label &&
      old.targetHandle === targetHandle &&
      old.className === className &&
      old.selected === isSelected &&
      old.data?.route === route
    )
      return old;
    return {
      id,
      type: 'routed',
      source: e.source,
      target: e.target,
      sourceHandle: 'out',
      targetHandle,
      label,
      selected: isSelected,
      className,
      data: { route },
      labelBgPadding: [6, 3] as [number, number],
      labelBgBorderRadius: 4,
    };
  });
  previous.edges.clear();
  for (const e of edges) previous.edges.set(e.id, e);
  previous.routes = routes;
  return edges;
}
