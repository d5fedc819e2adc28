/**
 * Transfer learning's "freeze a prefix": the layers a node depends on keep the weights they were
 * given (from another run's checkpoint), and only what comes after them learns. The app's "Freeze
 * up to here" and `netcanvas train --freeze-through NODE` are this one edit.
 *
 * @example
 *   const { doc: frozen, frozen: ids } = freezeThrough(doc, 'c2'); // ids: ['c1', 'c2']
 */
import { checkGraph } from '../check/checkGraph';
import { closestName } from '../layers/params';
import type { GraphDoc, NodeId } from './types';

/**
 * Marks `nodeId` and every node it depends on that has weights as not trainable (`trainable:
 * false`); nodes after it are left as they are. An unknown id is an error naming the closest one.
 */
export function freezeThrough(doc: GraphDoc, nodeId: NodeId): { doc: GraphDoc; frozen: NodeId[] } | { error: string } {
  const ids = doc.nodes.map((n) => n.id);
  if (!ids.includes(nodeId)) {
    const hint = closestName(nodeId, ids);
    return { error: `there is no node "${nodeId}" to freeze through${hint ? `; did you mean "${hint}"?` : ''}` };
  }
  const feeds = new Map<NodeId, NodeId[]>();
  for (const e of doc.edges) feeds.set(e.target, [...(feeds.get(e.target) ?? []), e.source]);
  const prefix = new Set<NodeId>([nodeId]);
  const stack = [nodeId];
  while (stack.length > 0) {
    for (const source of feeds.get(stack.pop()!) ?? []) {
      if (prefix.has(source)) continue;
      prefix.add(source);
      stack.push(source);
    }
  }
  const reports = checkGraph(doc).nodes;
  // Weights as the layer declares them: a node frozen already still counts as having some.
  const weighted = (id: NodeId) => (reports[id]?.weights.length ?? 0) > 0;
  const frozen = ids.filter((id) => prefix.has(id) && weighted(id));
  const set = new Set(frozen);
  return { doc: { ...doc, nodes: doc.nodes.map((n) => (set.has(n.id) ? { ...n, trainable: false } : n)) }, frozen };
}
