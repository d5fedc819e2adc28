/** The benchmark's graphs, built as documents so they go through the real compiler. bench/train_torch.py mirrors them. */
import { readFileSync } from 'node:fs';
import { parseGraph } from '../engine/graph/load';
import type { GraphDoc, GraphEdge, GraphNode } from '../engine/graph/types';

export function lenet5(): GraphDoc {
  const parsed = parseGraph(readFileSync(new URL('../templates/lenet5.json', import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.doc;
}

/** Appends nodes in a chain (or joins named inputs), tracking the last node added. */
function chain(input: [number, number, number]) {
  const nodes: GraphNode[] = [{ id: 'in', type: 'input', params: { shape: input } }];
  const edges: GraphEdge[] = [];
  let last = 'in';
  const push = (id: string, type: string, params: Record<string, unknown> = {}, from: string[] = [last]) => {
    nodes.push({ id, type, params });
    from.forEach((source, port) => edges.push({ source, target: id, ...(from.length > 1 ? { targetPort: port } : {}) }));
    last = id;
    return id;
  };
  const doc = (name: string): GraphDoc => ({ format: 'netcanvas.graph', version: 1, name, nodes, edges });
  return { push, doc, last: () => last };
}

/** 32×32×3: conv-bn-relu stem (32 filters), three residual blocks of two such convs with an add, GAP, dropout, dense 10. */
export function residualCnn(): GraphDoc {
  const g = chain([32, 32, 3]);
  const convBn = (p: string) => {
    g.push(`${p}_conv`, 'conv2d', { filters: 32, kernelSize: 3, padding: 'same', useBias: false });
    g.push(`${p}_bn`, 'batchNorm', { momentum: 0.9, epsilon: 1e-5 });
  };
  convBn('stem');
  g.push('stem_relu', 'relu');
  for (let b = 1; b <= 3; b++) {
    const input = g.last();
    convBn(`b${b}a`);
    g.push(`b${b}a_relu`, 'relu');
    convBn(`b${b}b`);
    g.push(`b${b}_add`, 'add', {}, [g.last(), input]);
    g.push(`b${b}_relu`, 'relu');
  }
  g.push('gap', 'globalAvgPool2d');
  g.push('drop', 'dropout', { rate: 0.2 });
  g.push('fc', 'dense', { units: 10 });
  return g.doc('residual CNN');
}

/**
 * ResNet-20 for 28×28×1 inputs (He et al. 2016's CIFAR net): a conv-bn-relu stem of 16 filters, three
 * stages of three basic blocks at 16, 32 and 64 filters (the first block of stages 2 and 3 halves the
 * size with stride 2 and a 1×1 stride-2 conv-bn projection on its shortcut), GAP, dense 10.
 */
export function resnet20(): GraphDoc {
  const g = chain([28, 28, 1]);
  const convBn = (p: string, filters: number, kernelSize: number, strides: number, from?: string) => {
    g.push(`${p}_conv`, 'conv2d', { filters, kernelSize, strides, padding: 'same', useBias: false }, from ? [from] : undefined);
    return g.push(`${p}_bn`, 'batchNorm', { momentum: 0.9, epsilon: 1e-5 });
  };
  convBn('stem', 16, 3, 1);
  g.push('stem_relu', 'relu');
  [16, 32, 64].forEach((filters, stage) => {
    for (let b = 0; b < 3; b++) {
      const p = `s${stage + 1}b${b + 1}`;
      const input = g.last();
      const strides = stage > 0 && b === 0 ? 2 : 1;
      const shortcut = strides === 2 ? convBn(`${p}_proj`, filters, 1, 2, input) : input;
      convBn(`${p}a`, filters, 3, strides, input);
      g.push(`${p}a_relu`, 'relu');
      convBn(`${p}b`, filters, 3, 1);
      g.push(`${p}_add`, 'add', {}, [g.last(), shortcut]);
      g.push(`${p}_relu`, 'relu');
    }
  });
  g.push('gap', 'globalAvgPool2d');
  g.push('fc', 'dense', { units: 10 });
  return g.doc('ResNet-20');
}

/** The Fashion-MNIST net: conv8 (5×5, same)–pool–conv16 (5×5)–pool–dense100–dense10, ReLU after each hidden layer. */
export function fashionCnn(): GraphDoc {
  const g = chain([28, 28, 1]);
  g.push('c1', 'conv2d', { filters: 8, kernelSize: 5, padding: 'same' });
  g.push('r1', 'relu');
  g.push('p1', 'maxPool2d', { poolSize: 2 });
  g.push('c2', 'conv2d', { filters: 16, kernelSize: 5 });
  g.push('r2', 'relu');
  g.push('p2', 'maxPool2d', { poolSize: 2 });
  g.push('flat', 'flatten');
  g.push('f1', 'dense', { units: 100 });
  g.push('r3', 'relu');
  g.push('out', 'dense', { units: 10 });
  return g.doc('Fashion CNN');
}
