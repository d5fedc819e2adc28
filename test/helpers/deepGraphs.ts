/**
 * Graphs that punish walks that are not linear: a chain of 10,000 nodes (recursion one frame per
 * node overflows the stack) and a ladder of add+relu pairs, each add reading the two pairs before
 * it (a walk that recurses per path visits Fibonacci-many paths). Both train on 4 features, 2 classes.
 */
import type { GraphDoc, GraphEdge, GraphNode } from '../../engine/graph/types';

const training = { optimizer: 'sgd', learningRate: 0.01, batchSize: 8, epochs: 1, validationSplit: 0, seed: 1 };

/** input [4], then dense/relu alternating to `size` nodes in all, ending in a dense of 2 units. */
export function deepChain(size = 10_000): GraphDoc {
  const nodes: GraphNode[] = [{ id: 'in', type: 'input', params: { shape: [4] } }];
  const edges: GraphEdge[] = [];
  for (let i = 1; i < size; i++) {
    const last = i === size - 1;
    nodes.push(
      i % 2 === 1 || last ? { id: `n${i}`, type: 'dense', params: { units: last ? 2 : 4 } } : { id: `n${i}`, type: 'relu', params: {} },
    );
    edges.push({ source: nodes[i - 1]!.id, target: `n${i}` });
  }
  return { format: 'netcanvas.graph', version: 1, name: `chain of ${size}`, nodes, edges, training };
}

/** input [4] → relu, then `pairs` of add(previous two) + relu, then a dense of 2 units. */
export function addLadder(pairs = 64): GraphDoc {
  const nodes: GraphNode[] = [
    { id: 'in', type: 'input', params: { shape: [4] } },
    { id: 'r0', type: 'relu', params: {} },
  ];
  const edges: GraphEdge[] = [{ source: 'in', target: 'r0' }];
  let before = 'in';
  let last = 'r0';
  for (let i = 1; i <= pairs; i++) {
    nodes.push({ id: `a${i}`, type: 'add', params: {} }, { id: `r${i}`, type: 'relu', params: {} });
    edges.push(
      { source: last, target: `a${i}`, targetPort: 0 },
      { source: before, target: `a${i}`, targetPort: 1 },
      { source: `a${i}`, target: `r${i}` },
    );
    before = last;
    last = `r${i}`;
  }
  nodes.push({ id: 'out', type: 'dense', params: { units: 2 } });
  edges.push({ source: last, target: 'out' });
  return { format: 'netcanvas.graph', version: 1, name: `add ladder of ${pairs}`, nodes, edges, training };
}

/** A CSV of `rows` samples with 4 features and labels 0/1, for training either graph. */
export function tinyCsv(rows = 8): string {
  const lines = ['a,b,c,d,label'];
  for (let i = 0; i < rows; i++) lines.push(`${i % 3},${(i * 7) % 5},${i % 2},${(i * 3) % 4},${i % 2}`);
  return `${lines.join('\n')}\n`;
}
