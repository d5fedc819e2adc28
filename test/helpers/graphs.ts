/** Small builders for graphs in tests: a chain, or nodes and edges spelled out. */
import type { GraphDoc, GraphEdge, GraphNode } from '../../engine/graph/types';

export type NodeSpec = [id: string, type: string, params?: Record<string, unknown>];

export function graphOf(nodes: NodeSpec[], edges: [string, string, number?][]): GraphDoc {
  return {
    format: 'netcanvas.graph',
    version: 1,
    name: 'test',
    nodes: nodes.map(([id, type, params]): GraphNode => ({ id, type, params: params ?? {} })),
    edges: edges.map(([source, target, targetPort]): GraphEdge =>
      targetPort === undefined ? { source, target } : { source, target, targetPort },
    ),
  };
}

/** A straight chain in the given order. */
export function chain(...nodes: NodeSpec[]): GraphDoc {
  const edges: [string, string][] = [];
  for (let i = 1; i < nodes.length; i++) edges.push([nodes[i - 1]![0], nodes[i]![0]]);
  return graphOf(nodes, edges);
}
