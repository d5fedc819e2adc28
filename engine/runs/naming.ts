/**
 * Runs named by what differs from the run before them, so a comparison reads itself: "sigmoid,
 * lr 0.01" beside "LeNet-5", "Small ResNet" beside "Plain CNN (no skips)". Compared: the graph's
 * name, the kinds of layer it has (a kind that appears is named, one that is gone is "no …"), the
 * params of layers both graphs share, the training settings, the dataset and the runner.
 */
import { resolveTrainingConfig } from '../graph/training';
import type { GraphDoc } from '../graph/types';
import { getLayer } from '../layers/registry';

export interface RunSetup {
  readonly graph: GraphDoc;
  readonly dataset: { readonly source: string; readonly limit?: number };
  readonly runner?: 'tfjs' | 'pytorch';
}

/** How many differences a name spells out before it says "and N more". */
const MAX_PARTS = 3;

const label = (type: string) => (getLayer(type)?.label ?? type).toLowerCase();
const show = (v: unknown) => (Array.isArray(v) ? v.join('×') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

/** Training settings, each as the words a name uses for it. */
function settings(graph: GraphDoc): Map<string, string> {
  const resolved = resolveTrainingConfig(graph.training);
  const out = new Map<string, string>();
  if (!resolved.ok) return out;
  const c = resolved.config;
  out.set('optimizer', c.optimizer === 'sgd' ? (c.nesterov ? 'SGD (Nesterov)' : 'SGD') : 'Adam');
  out.set('learningRate', `lr ${c.learningRate}`);
  if (c.optimizer === 'sgd') out.set('momentum', `momentum ${c.momentum}`);
  out.set('schedule', c.schedule.type === 'constant' ? 'constant lr' : `${c.schedule.type} schedule`);
  out.set('weightDecay', `λ ${c.weightDecay}`);
  out.set('batchSize', `batch ${c.batchSize}`);
  out.set('epochs', `${c.epochs} epoch${c.epochs === 1 ? '' : 's'}`);
  out.set('seed', `seed ${c.seed}`);
  return out;
}

function typeCounts(graph: GraphDoc): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of graph.nodes) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
  return counts;
}

/** Every difference from `before`, most telling first, in a few words each. */
export function differences(run: RunSetup, before: RunSetup): string[] {
  const parts: string[] = [];
  const a = typeCounts(before.graph);
  const b = typeCounts(run.graph);
  for (const [type] of b) if (!a.has(type)) parts.push(label(type));
  for (const [type] of a) if (!b.has(type)) parts.push(`no ${label(type)}`);
  const beforeNodes = new Map(before.graph.nodes.map((n) => [n.id, n]));
  for (const node of run.graph.nodes) {
    const old = beforeNodes.get(node.id);
    if (!old || old.type !== node.type) continue;
    for (const [param, value] of Object.entries(node.params)) {
      if (show(old.params[param]) !== show(value)) parts.push(`${node.label ?? node.id} ${param} ${show(value)}`);
    }
  }
  const s = settings(run.graph);
  const t = settings(before.graph);
  for (const [key, words] of s) if (t.get(key) !== words) parts.push(words);
  if (run.dataset.source !== before.dataset.source)
    parts.push(run.dataset.source.split(/[\\/]/).filter(Boolean).pop() ?? run.dataset.source);
  if (run.dataset.limit !== before.dataset.limit)
    parts.push(run.dataset.limit ? `${run.dataset.limit.toLocaleString('en-US')} samples` : 'all samples');
  if ((run.runner ?? 'tfjs') !== (before.runner ?? 'tfjs')) parts.push(run.runner === 'pytorch' ? 'PyTorch' : 'TensorFlow.js');
  return parts;
}

/**
 * The name a new run starts with: the graph's name for the first run or another graph; else what
 * differs from the run before it; else the graph's name numbered (the same setup again).
 *
 * @example nameRun(sigmoidRun, [lenetRun]) // "sigmoid, lr 0.01"
 */
export function nameRun(run: RunSetup, earlier: readonly (RunSetup & { readonly name: string })[]): string {
  const before = earlier[earlier.length - 1];
  const graphName = run.graph.name || 'Untitled';
  if (!before || before.graph.name !== run.graph.name) return graphName;
  const parts = differences(run, before);
  if (parts.length === 0) {
    const same = earlier.filter((r) => r.graph.name === run.graph.name).length;
    return `${graphName} #${same + 1}`;
  }
  const shown = parts.slice(0, MAX_PARTS).join(', ');
  return parts.length > MAX_PARTS ? `${shown} and ${parts.length - MAX_PARTS} more` : shown;
}
