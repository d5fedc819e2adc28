/**
 * Top-to-bottom layered layout with ELK's layered algorithm (elkjs). Each node has its ports where
 * the canvas draws its handles (the output at the bottom middle, inputs along the top, merges'
 * numbered ports in order), so ELK lines each chain up port to port, and long edges (skips) get a
 * lane of their own beside the nodes they pass, which the router (route.ts) then follows. Pure:
 * document and sizes in, positions out, so the "auto-layout" action stays undoable like any edit.
 * ELK is loaded on first use: it is large and many sessions never lay out.
 */
import type { ELK, ElkNode } from 'elkjs/lib/elk-api';
import type { GraphDoc, NodeId, Position } from '../../../engine/graph/types';
import { inputPorts, portRanks } from '../canvas/edgeRoutes';
import { NODE_SIZE } from './geometry';

const OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  // Room between rows for a shape label (about 21 px) and the turns of edges crossing over.
  'elk.layered.spacing.nodeNodeBetweenLayers': '48',
  'elk.layered.spacing.edgeNodeBetweenLayers': '24',
  'elk.spacing.nodeNode': '56',
  // A skip's lane keeps far enough from the nodes beside it for its label to sit on it.
  'elk.spacing.edgeNode': '48',
  'elk.spacing.edgeEdge': '24',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
  'elk.padding': '[top=40,left=40,bottom=40,right=40]',
};

let elk: Promise<ELK> | null = null;
function loadElk(): Promise<ELK> {
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new (m.default as unknown as new () => ELK)());
  return elk;
}

/** The ELK graph for a document: one child per node with its ports, one edge per graph edge, port to port. */
export function elkGraph(doc: GraphDoc): ElkNode {
  const ids = new Set(doc.nodes.map((n) => n.id));
  const edges = doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  const incoming = new Map<NodeId, number>();
  for (const e of edges) incoming.set(e.target, (incoming.get(e.target) ?? 0) + 1);
  const ranks = portRanks(edges);
  const typeOf = new Map(doc.nodes.map((n) => [n.id, n.type]));
  return {
    id: 'graph',
    layoutOptions: OPTIONS,
    children: doc.nodes.map((n) => {
      const { width, height } = NODE_SIZE;
      const ports = inputPorts(n.type, incoming.get(n.id) ?? 0);
      const inputs = Array.from({ length: ports }, (_, i) => ({
        id: `${n.id}:in${i}`,
        x: ports === 1 ? width / 2 : (width * (i + 1)) / (ports + 1),
        y: 0,
        width: 0,
        height: 0,
        layoutOptions: { 'elk.port.side': 'NORTH' },
      }));
      return {
        id: n.id,
        width,
        height,
        layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
        ports: [
          ...inputs,
          { id: `${n.id}:out`, x: width / 2, y: height, width: 0, height: 0, layoutOptions: { 'elk.port.side': 'SOUTH' } },
        ],
      };
    }),
    edges: edges.map((e, i) => {
      const ports = inputPorts(typeOf.get(e.target)!, incoming.get(e.target) ?? 0);
      return {
        id: `e${i}`,
        sources: [`${e.source}:out`],
        targets: [`${e.target}:in${ports === 1 ? 0 : (ranks.get(e) ?? 0)}`],
      };
    }),
  };
}

/** Positions (top-left corners, whole pixels) for every node. */
export async function autoLayout(doc: GraphDoc): Promise<Record<NodeId, Position>> {
  if (doc.nodes.length === 0) return {};
  const laid = await (await loadElk()).layout(elkGraph(doc));
  const positions: Record<NodeId, Position> = {};
  for (const child of laid.children ?? []) positions[child.id] = { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) };
  return positions;
}
