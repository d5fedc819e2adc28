/** The graph's training settings as the exported scripts need them (defaults filled, per-layer L2 resolved). */
import { resolveTrainingConfig, type TrainingConfig } from '../graph/training';
import type { WeightRole } from '../layers/spec';
import { ExportError, liveSteps, type ExportPlan } from './plan';

/** A node's L2 penalty λ·Σw², on the weights the layer registry marks as decayed. */
export interface NodeDecay {
  readonly lambda: number;
  readonly roles: readonly WeightRole[];
}

export interface ExportTraining {
  readonly config: TrainingConfig;
  /** Per node id with a decayed weight and λ > 0 (zeros left out), as the app's trainer applies it. */
  readonly decay: ReadonlyMap<string, NodeDecay>;
  /** The dataset the graph names (`embedded:mnist`, a path), or null. */
  readonly dataset: string | null;
}

export function exportTraining(plan: ExportPlan): ExportTraining {
  const resolved = resolveTrainingConfig(plan.doc.training);
  if (!resolved.ok) throw new ExportError(resolved.error);
  const { config } = resolved;
  const decay = new Map<string, NodeDecay>();
  for (const step of liveSteps(plan)) {
    const roles = step.weights.filter((w) => w.decayed).map((w) => w.role);
    const lambda = config.layerWeightDecay[step.id] ?? config.weightDecay;
    if (roles.length > 0 && lambda > 0) decay.set(step.id, { lambda, roles });
  }
  const source = plan.doc.dataset?.source;
  return { config, decay, dataset: typeof source === 'string' ? source : null };
}
