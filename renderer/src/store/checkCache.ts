/**
 * The checker's result for a document, computed once per (nodes, edges) pair. Documents are
 * immutable and a move only replaces `layout`, so dragging never re-runs the checker, and
 * everything on screen can ask for the result freely.
 */
import { checkGraph } from '../../../engine/check/checkGraph';
import type { CheckResult } from '../../../engine/check/types';
import type { GraphDoc, GraphEdge, GraphNode } from '../../../engine/graph/types';

const cache = new WeakMap<readonly GraphNode[], { edges: readonly GraphEdge[]; result: CheckResult }>();
let lastCheckMs = 0;

export function checkOf(doc: GraphDoc): CheckResult {
  const hit = cache.get(doc.nodes);
  if (hit && hit.edges === doc.edges) return hit.result;
  const t0 = performance.now();
  const result = checkGraph(doc);
  lastCheckMs = performance.now() - t0;
  cache.set(doc.nodes, { edges: doc.edges, result });
  return result;
}

/** How long the latest (uncached) check took: shown in the summary bar and read by the e2e test. */
export const lastCheckDuration = (): number => lastCheckMs;
