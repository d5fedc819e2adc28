/**
 * Copy and paste of a selection as plain data. Pasted nodes always get fresh ids, so a paste
 * can never collide with what is already in the document.
 */
import { freshId } from '../../../engine/graph/edits';
import type { GraphDoc, GraphEdge, GraphNode, NodeId, Position } from '../../../engine/graph/types';

export interface Clip {
  readonly nodes: readonly GraphNode[];
  /** Only edges whose both ends are in the clip. */
  readonly edges: readonly GraphEdge[];
  readonly layout: Readonly<Record<NodeId, Position>>;
}

export function copySelection(doc: GraphDoc, ids: readonly NodeId[]): Clip | null {
  const chosen = new Set(ids);
  const nodes = doc.nodes.filter((n) => chosen.has(n.id));
  if (nodes.length === 0) return null;
  const edges = doc.edges.filter((e) => chosen.has(e.source) && chosen.has(e.target));
  const layout: Record<NodeId, Position> = {};
  for (const n of nodes) layout[n.id] = doc.layout?.[n.id] ?? { x: 0, y: 0 };
  return { nodes, edges, layout };
}

/** Adds the clip's nodes (renamed to fresh ids, shifted by `offset`) and their inner edges. */
export function pasteClip(doc: GraphDoc, clip: Clip, offset: Position): { doc: GraphDoc; ids: NodeId[] } {
  const rename = new Map<NodeId, NodeId>();
  let nodes = [...doc.nodes];
  const layout: Record<NodeId, Position> = { ...doc.layout };
  for (const node of clip.nodes) {
    const id = freshId({ ...doc, nodes }, node.type);
    rename.set(node.id, id);
    nodes = [...nodes, { ...node, id }];
    const at = clip.layout[node.id] ?? { x: 0, y: 0 };
    layout[id] = { x: at.x + offset.x, y: at.y + offset.y };
  }
  const edges = clip.edges.map((e) => ({ ...e, source: rename.get(e.source)!, target: rename.get(e.target)! }));
  return { doc: { ...doc, nodes, edges: [...doc.edges, ...edges], layout }, ids: [...rename.values()] };
}
