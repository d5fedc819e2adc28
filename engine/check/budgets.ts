/**
 * What can be built: a graph whose shapes, parameters, multiply-adds and training memory stay
 * finite and under documented limits, so `check` passing means training can start. Each limit
 * that is broken is an error on the node that weighs most, with a fix where one param would do.
 *
 * Training memory is estimated as TensorFlow.js spends it: every weight four times over for Adam
 * (the weight, its gradient and two moment slots; three for SGD with momentum, two without), and
 * every activation twice at the batch size (kept for the backward pass, and its gradient), all in
 * float32. The limit is half of WebAssembly's 4 GiB, the backend every machine has.
 */
import type { TrainingConfig } from '../graph/training';
import type { NodeId } from '../graph/types';
import type { Diagnostic, Fix } from './diagnostics';
import { diagnostic } from './diagnostics';
import type { NodeReport } from './types';

/** The documented limits (README, "Limits"). */
export const LIMITS = {
  /** Estimated memory to train at the batch size: weights, gradients, optimizer slots, activations. */
  trainingBytes: 2 * 1024 ** 3,
  /** Multiply-accumulates per sample (ResNet-50 at 224×224 needs 4 G; VGG-16 15.5 G). */
  macs: 1e11,
  /** Layers on the longest path: TensorFlow.js builds a model one stack frame per layer (the trainer's stack holds 16,000). */
  depth: 12_000,
} as const;

export interface BudgetOptions {
  /** Samples per step; default the graph's `training.batchSize`, else 64. */
  readonly batchSize?: number;
  /** Bytes training may use; default LIMITS.trainingBytes. */
  readonly memoryBytes?: number;
}

const BYTES = 4;

/** Optimizer slots per weight (Adam's two moments; SGD's velocity, none without momentum); Adam's when unknown. */
function slots(training: TrainingConfig | null): number {
  if (training?.optimizer === 'sgd') return training.momentum === 0 ? 0 : 1;
  return 2;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'more than any machine has';
  const gib = bytes / 1024 ** 3;
  if (gib >= 1) return `${gib >= 100 ? gib.toExponential(1) : gib.toFixed(1)} GiB`;
  return `${Math.max(1, Math.round(bytes / 1024 ** 2))} MiB`;
}

const formatCount = (n: number) => (Number.isFinite(n) ? (n >= 1e9 ? `${(n / 1e9).toPrecision(3)} G` : n.toLocaleString('en-US')) : '∞');

/** The node's param that scales its cost linearly, and how far to scale it to shed `excess` of `cost`. */
function shrinkFix(report: NodeReport, excess: number, cost: number): Fix | undefined {
  const param = report.type === 'conv2d' ? 'filters' : report.type === 'dense' ? 'units' : null;
  if (!param || !(cost > excess)) return undefined;
  const current = report.resolvedParams[param] as number;
  const value = Math.floor(current * (1 - excess / cost));
  if (!(value >= 1) || value >= current) return undefined;
  return { label: `Set ${param} to ${value}`, action: { kind: 'setParam', nodeId: report.id, param, value } };
}

/**
 * Limits broken by the checked nodes (`order`, all `ok`) trained with `training` (its defaults
 * when it is invalid, which the checker reports itself), as error diagnostics.
 * @example budgetDiagnostics(result.nodes, result.order, config) // [] for every template
 */
export function budgetDiagnostics(
  nodes: Readonly<Record<NodeId, NodeReport>>,
  order: readonly NodeId[],
  training: TrainingConfig | null,
  options: BudgetOptions = {},
): Diagnostic[] {
  const ok = order.map((id) => nodes[id]!).filter((n) => n.status === 'ok');
  if (ok.length === 0) return [];
  const out: Diagnostic[] = [];
  // Counts past 2^53 are not exact (past 1.8e308 they are ∞): no code, ours or an export's, can build them.
  const uncountable = ok.find((n) => ![n.params, n.macs, n.activationSize, ...(n.outputShape ?? [])].every(Number.isSafeInteger));
  if (uncountable) {
    out.push(
      diagnostic(
        'beyond-limits',
        uncountable.id,
        `${uncountable.id}: its output ${uncountable.outputShape?.map((d) => (Number.isSafeInteger(d) ? d : d.toExponential(1))).join('×')} (${formatCount(uncountable.params)} weights, ${formatCount(uncountable.macs)} multiply-adds) is too large to be counted exactly, let alone built; shrink the layers before it`,
      ),
    );
    return out;
  }
  const batch = Math.max(1, options.batchSize ?? training?.batchSize ?? 64);
  const limit = options.memoryBytes ?? LIMITS.trainingBytes;
  const perWeight = BYTES * (2 + slots(training));
  const costOf = (n: NodeReport) => perWeight * n.params + 2 * BYTES * batch * n.activationSize;
  let total = 0;
  let heaviest = ok[0]!;
  for (const n of ok) {
    total += costOf(n);
    if (!(costOf(heaviest) >= costOf(n))) heaviest = n;
  }
  if (!(total <= limit)) {
    const weights = ok.reduce((sum, n) => sum + perWeight * n.params, 0);
    const activations = ok.reduce((sum, n) => sum + 2 * BYTES * n.activationSize, 0);
    const fitting = Math.floor((limit - weights) / activations);
    const advice =
      batch > 1 && fitting >= 1 && fitting < batch
        ? `; lower the batch size to ${fitting}, or make ${heaviest.id} smaller`
        : `; make ${heaviest.id} smaller${heaviest.type === 'conv2d' ? ' (fewer filters, or a stride to shrink its output)' : ''}`;
    out.push(
      diagnostic(
        'too-large',
        heaviest.id,
        `${heaviest.id}: training this graph at batch size ${batch} needs about ${formatBytes(total)} (${heaviest.id}'s output ${heaviest.outputShape?.join('×')} and ${formatCount(heaviest.params)} weights: ${formatBytes(costOf(heaviest))}), more than the ${formatBytes(limit)} NetCanvas trains in${advice}`,
        withFix(shrinkFix(heaviest, total - limit, costOf(heaviest))),
      ),
    );
  }
  const depth = new Map<NodeId, number>();
  let deepest: NodeReport = ok[0]!;
  for (const n of ok) {
    let below = 0;
    for (const i of n.inputs) below = Math.max(below, depth.get(i) ?? 0);
    depth.set(n.id, 1 + below);
    if (depth.get(n.id)! > depth.get(deepest.id)!) deepest = n;
  }
  if (depth.get(deepest.id)! > LIMITS.depth) {
    out.push(
      diagnostic(
        'too-large',
        deepest.id,
        `${deepest.id}: the graph is ${depth.get(deepest.id)!.toLocaleString('en-US')} layers deep on its longest path, more than the ${LIMITS.depth.toLocaleString('en-US')} NetCanvas builds; shorten it`,
      ),
    );
  }
  const macs = ok.reduce((sum, n) => sum + n.macs, 0);
  if (!(macs <= LIMITS.macs)) {
    const busiest = ok.reduce((a, b) => (a.macs >= b.macs ? a : b));
    out.push(
      diagnostic(
        'too-large',
        busiest.id,
        `${busiest.id}: the graph needs ${formatCount(macs)} multiply-adds per sample (${busiest.id} alone ${formatCount(busiest.macs)}), more than the ${formatCount(LIMITS.macs)} NetCanvas trains; make ${busiest.id} smaller or reduce its input with a stride or pooling`,
        withFix(shrinkFix(busiest, macs - LIMITS.macs, busiest.macs)),
      ),
    );
  }
  return out;
}

const withFix = (fix: Fix | undefined) => (fix ? { param: fix.action.kind === 'setParam' ? fix.action.param : undefined, fix } : {});
