/** The graph's training settings as the exported scripts need them (defaults filled, per-layer L2 resolved). */
import { resolveTrainingConfig, type TrainingConfig } from '../graph/training';
import { ExportError, liveSteps, type ExportPlan } from './plan';

export interface ExportTraining {
  readonly config: TrainingConfig;
  /** λ per conv/dense node id (kernels only; biases and batch norm are not decayed), zeros left out. */
  readonly decay: ReadonlyMap<string, number>;
  /** The dataset the graph names (`embedded:mnist`, a path), or null. */
  readonly dataset: string | null;
}

export function exportTraining(plan: ExportPlan): ExportTraining {
  const resolved = resolveTrainingConfig(plan.doc.training);
  if (!resolved.ok) throw new ExportError(resolved.error);
  const { config } = resolved;
  const decay = new Map<string, number>();
  for (const step of liveSteps(plan)) {
    if (step.type !== 'conv2d' && step.type !== 'dense') continue;
    const lambda = config.layerWeightDecay[step.id] ?? config.weightDecay;
    if (lambda > 0) decay.set(step.id, lambda);
  }
  const source = plan.doc.dataset?.source;
  return { config, decay, dataset: typeof source === 'string' ? source : null };
}
