/**
 * The checker's result for a document, computed once per (nodes, edges, training, dataset)
 * combination. Documents are immutable and a move only replaces `layout`, so dragging never re-runs
 * the checker, and everything on screen can ask for the result freely.
 */
import { checkGraph } from '../../../engine/check/checkGraph';
import type { DatasetInfo } from '../../../engine/check/dataset';
import type { CheckResult } from '../../../engine/check/types';
import type { GraphDoc } from '../../../engine/graph/types';

interface Entry {
  readonly doc: GraphDoc;
  readonly dataset: DatasetInfo | null;
  readonly result: CheckResult;
}
const cache = new WeakMap<GraphDoc['nodes'], Entry>();
let lastCheckMs = 0;

/** What the check reads from a document besides its nodes; the layout is not among it. */
const sameInputs = (a: GraphDoc, b: GraphDoc) => a.edges === b.edges && a.training === b.training && a.output === b.output;

/** The check of `doc` against its dataset (editor state `dataset`), cached. */
export function checkOf(doc: GraphDoc, dataset: DatasetInfo | null = null): CheckResult {
  const hit = cache.get(doc.nodes);
  if (hit && hit.dataset === dataset && sameInputs(hit.doc, doc)) return hit.result;
  const t0 = performance.now();
  const result = checkGraph(doc, { dataset });
  lastCheckMs = performance.now() - t0;
  cache.set(doc.nodes, { doc, dataset, result });
  return result;
}

/** How long the latest (uncached) check took: shown in the summary bar and read by the e2e test. */
export const lastCheckDuration = (): number => lastCheckMs;

/** The check of the editor's document against its dataset. */
export const checkOfState = (s: { doc: GraphDoc; dataset: DatasetInfo | null }): CheckResult => checkOf(s.doc, s.dataset);
