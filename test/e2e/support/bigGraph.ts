/** A 300-node residual network for the responsiveness measurements: input, then 299 nodes of conv → bn → relu → add blocks. */
import type { GraphDoc, GraphEdge, GraphNode, Position } from '../../../engine/graph/types';

export function residualTower(totalNodes = 300): GraphDoc {
  const nodes: GraphNode[] = [{ id: 'in', type: 'input', params: { shape: [32, 32, 16] } }];
  const edges: GraphEdge[] = [];
  const layout: Record<string, Position> = { in: { x: 0, y: 0 } };
  let previous = 'in';
  let block = 0;
  while (nodes.length < totalNodes) {
    const b = block++;
    const ids = [`conv${b}`, `bn${b}`, `relu${b}`, `add${b}`];
    const types: [string, Record<string, unknown>][] = [
      ['conv2d', { filters: 16, kernelSize: 3, padding: 'same' }],
      ['batchNorm', {}],
      ['relu', {}],
      ['add', {}],
    ];
    ids.forEach((id, i) => {
      if (nodes.length >= totalNodes) return;
      nodes.push({ id, type: types[i]![0], params: types[i]![1] });
      const column = Math.floor(b / 10);
      layout[id] = { x: column * 560 + (i === 3 ? 0 : 260), y: ((b % 10) * 4 + i + 1) * 100 };
    });
    edges.push({ source: previous, target: ids[0]! }, { source: ids[0]!, target: ids[1]! }, { source: ids[1]!, target: ids[2]! });
    if (nodes.some((n) => n.id === ids[3])) {
      edges.push({ source: ids[2]!, target: ids[3]!, targetPort: 0 }, { source: previous, target: ids[3]!, targetPort: 1 });
      previous = ids[3]!;
    }
  }
  // At the default batch of 64 its activations would need about 2.3 GiB to train, more than the
  // trainer's budget (check says so); at 16 it is a valid graph, which these measurements want.
  return {
    format: 'netcanvas.graph',
    version: 1,
    name: `Residual tower (${nodes.length} nodes)`,
    nodes,
    edges,
    layout,
    training: { batchSize: 16 },
  };
}
