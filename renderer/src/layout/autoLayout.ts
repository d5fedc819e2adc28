/**
 * Top-to-bottom layered layout with dagre. Pure: document in, positions out, so the
 * "auto-layout" action stays undoable like any other edit.
 */
import dagre from '@dagrejs/dagre';
import type { GraphDoc, NodeId, Position } from '../../../engine/graph/types';

/** Roughly a rendered node; dagre only needs the footprint to keep rows apart. */
export const NODE_FOOTPRINT = { width: 210, height: 72 };

export function autoLayout(doc: GraphDoc): Record<NodeId, Position> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 50, ranksep: 46, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of doc.nodes) g.setNode(node.id, { ...NODE_FOOTPRINT });
  const ids = new Set(doc.nodes.map((n) => n.id));
  for (const e of doc.edges) if (ids.has(e.source) && ids.has(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const positions: Record<NodeId, Position> = {};
  for (const node of doc.nodes) {
    const laid = g.node(node.id);
    // dagre reports centres; React Flow positions are top-left corners.
    positions[node.id] = { x: Math.round(laid.x - NODE_FOOTPRINT.width / 2), y: Math.round(laid.y - NODE_FOOTPRINT.height / 2) };
  }
  return positions;
}
