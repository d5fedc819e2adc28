/**
 * Graph structure before any shapes: which edges are valid, each node's inputs in port order,
 * a topological order, the cycle (if any), and what the input reaches.
 */
import type { GraphDoc, GraphEdge, NodeId } from '../graph/types';
import { diagnostic, type Diagnostic } from './diagnostics';

export interface Topology {
  /** Incoming node ids per node, in port order. */
  readonly incoming: Map<NodeId, NodeId[]>;
  readonly outgoing: Map<NodeId, NodeId[]>;
  /** Nodes outside any cycle, in topological order. */
  readonly order: NodeId[];
  /** Nodes on or after a cycle: never shape-checked. */
  readonly blocked: Set<NodeId>;
}

function portOrder(edges: readonly { edge: GraphEdge; index: number }[]): { edge: GraphEdge; index: number }[] {
  // Explicit ports first, by number; the rest keep file order after them.
  return [...edges].sort((a, b) => {
    const pa = a.edge.targetPort ?? Infinity;
    const pb = b.edge.targetPort ?? Infinity;
    return pa === pb ? a.index - b.index : pa - pb;
  });
}

export function analyseTopology(doc: GraphDoc, known: ReadonlySet<NodeId>, out: Diagnostic[]): Topology {
  const byTarget = new Map<NodeId, { edge: GraphEdge; index: number }[]>();
  const outgoing = new Map<NodeId, NodeId[]>();
  for (const id of known) {
    byTarget.set(id, []);
    outgoing.set(id, []);
  }
  doc.edges.forEach((edge, index) => {
    const missing = [edge.source, edge.target].filter((id) => !known.has(id));
    if (missing.length > 0) {
      const present = known.has(edge.source) ? edge.source : known.has(edge.target) ? edge.target : null;
      out.push(
        diagnostic(
          'edge-missing-node',
          present,
          `edges[${index}] (${edge.source} → ${edge.target}) names ${missing.map((m) => `"${m}"`).join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not a node`,
          { fix: { label: 'Remove this edge', action: { kind: 'removeEdge', source: edge.source, target: edge.target } } },
        ),
      );
      return;
    }
    byTarget.get(edge.target)!.push({ edge, index });
    outgoing.get(edge.source)!.push(edge.target);
  });

  const incoming = new Map<NodeId, NodeId[]>();
  for (const [target, edges] of byTarget) {
    const seen = new Map<number, number>();
    for (const { edge, index } of edges) {
      if (edge.targetPort === undefined) continue;
      const other = seen.get(edge.targetPort);
      if (other !== undefined) {
        out.push(
          diagnostic('duplicate-port', target, `edges[${other}] and edges[${index}] both feed input port ${edge.targetPort} of ${target}`),
        );
      }
      seen.set(edge.targetPort, index);
    }
    incoming.set(
      target,
      portOrder(edges).map((e) => e.edge.source),
    );
  }

  // Kahn's algorithm; whatever is left over sits on or behind a cycle.
  const indegree = new Map<NodeId, number>();
  for (const [id, ins] of incoming) indegree.set(id, ins.length);
  const queue: NodeId[] = [];
  for (const [id, d] of indegree) if (d === 0) queue.push(id);
  const order: NodeId[] = [];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    order.push(id);
    for (const next of outgoing.get(id)!) {
      const d = indegree.get(next)! - 1;
      indegree.set(next, d);
      if (d === 0) queue.push(next);
    }
  }
  const blocked = new Set<NodeId>();
  for (const [id, d] of indegree) if (d > 0) blocked.add(id);
  if (blocked.size > 0) reportCycle(blocked, incoming, out);
  return { incoming, outgoing, order, blocked };
}

/** Walks backwards inside the blocked set until a node repeats: that loop is a cycle. */
function reportCycle(blocked: Set<NodeId>, incoming: Map<NodeId, NodeId[]>, out: Diagnostic[]): void {
  let current = blocked.values().next().value as NodeId;
  const seenAt = new Map<NodeId, number>();
  const path: NodeId[] = [];
  while (!seenAt.has(current)) {
    seenAt.set(current, path.length);
    path.push(current);
    current = incoming.get(current)!.find((p) => blocked.has(p))!;
  }
  const loop = path.slice(seenAt.get(current)!).reverse();
  // Break the loop at the edge that returns to where data enters it (the back edge), so
  // the fix leaves the forward path intact.
  const inLoop = new Set(loop);
  const entry = loop.findIndex((id) => incoming.get(id)!.some((p) => !inLoop.has(p)));
  const to = loop[entry < 0 ? 0 : entry]!;
  const from = loop[(loop.indexOf(to) + loop.length - 1) % loop.length]!;
  const start = loop.indexOf(to);
  const named = [...loop.slice(start), ...loop.slice(0, start), to];
  out.push(
    diagnostic('cycle', to, `the graph has a cycle: ${named.join(' → ')}; data must flow one way from the input`, {
      fix: { label: `Remove the edge ${from} → ${to}`, action: { kind: 'removeEdge', source: from, target: to } },
    }),
  );
}

/** Nodes reachable from the given roots along valid edges. */
export function reachableFrom(roots: readonly NodeId[], outgoing: Map<NodeId, NodeId[]>): Set<NodeId> {
  const seen = new Set<NodeId>(roots);
  const stack = [...roots];
  while (stack.length > 0) {
    for (const next of outgoing.get(stack.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}
