/** The benchmark's graphs, built as documents so they go through the real compiler. bench/train_torch.py mirrors them. */
import { readFileSync } from 'node:fs';
import { parseGraph } from '../engine/graph/load';
import type { GraphDoc, GraphEdge, GraphNode } from '../engine/graph/types';

export function lenet5(): GraphDoc {
  const parsed = parseGraph(readFileSync(new URL('../templates/lenet5.json', import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.doc;
}

/** 32×32×3: conv-bn-relu stem (32 filters), three residual blocks of two such convs with an add, GAP, dropout, dense 10. */
export function residualCnn(): GraphDoc {
  const nodes: GraphNode[] = [{ id: 'in', type: 'input', params: { shape: [32, 32, 3] } }];
  const edges: GraphEdge[] = [];
  let last = 'in';
  const push = (id: string, type: string, params: Record<string, unknown> = {}, from: string[] = [last]) => {
    nodes.push({ id, type, params });
    from.forEach((source, port) => edges.push({ source, target: id, ...(from.length > 1 ? { targetPort: port } : {}) }));
    last = id;
  };
  const convBn = (p: string) => {
    push(`${p}_conv`, 'conv2d', { filters: 32, kernelSize: 3, padding: 'same', useBias: false });
    push(`${p}_bn`, 'batchNorm', { momentum: 0.9, epsilon: 1e-5 });
  };
  convBn('stem');
  push('stem_relu', 'relu');
  for (let b = 1; b <= 3; b++) {
    const input = last;
    convBn(`b${b}a`);
    push(`b${b}a_relu`, 'relu');
    convBn(`b${b}b`);
    push(`b${b}_add`, 'add', {}, [last, input]);
    push(`b${b}_relu`, 'relu');
  }
  push('gap', 'globalAvgPool2d');
  push('drop', 'dropout', { rate: 0.2 });
  push('fc', 'dense', { units: 10 });
  return { format: 'netcanvas.graph', version: 1, name: 'residual CNN', nodes, edges };
}
