/**
 * The run's training config: the graph's `training` field with the request's overrides on top,
 * defaults filled in; and the tfjs optimizer it asks for.
 */
import type * as tfType from '@tensorflow/tfjs';
import { resolveTrainingConfig, unreachable, type TrainingConfig } from '../graph/training';

type Tf = typeof tfType;

/** Overrides win field by field; `null`/`undefined` overrides are ignored (a CLI flag not given). */
export function mergeTrainingConfig(
  fromGraph: Readonly<Record<string, unknown>> | undefined,
  overrides: Readonly<Record<string, unknown>> | undefined,
): { ok: true; config: TrainingConfig } | { ok: false; error: string } {
  const merged: Record<string, unknown> = { ...(fromGraph ?? {}) };
  for (const [key, value] of Object.entries(overrides ?? {})) if (value !== undefined && value !== null) merged[key] = value;
  return resolveTrainingConfig(merged);
}

/** SGD (optionally with momentum, optionally Nesterov) or Adam, at the schedule's first rate. */
export function buildOptimizer(tf: Tf, config: TrainingConfig): tfType.Optimizer {
  const lr = config.learningRate;
  switch (config.optimizer) {
    case 'adam':
      return tf.train.adam(lr, config.adamBeta1, config.adamBeta2, config.adamEpsilon);
    case 'sgd':
      return config.momentum > 0 ? tf.train.momentum(lr, config.momentum, config.nesterov) : tf.train.sgd(lr);
    default:
      return unreachable(config.optimizer, 'optimizer');
  }
}

/**
 * Changes the rate between epochs. tfjs reads `learningRate` on every step (Adam multiplies by it;
 * SGD keeps a scalar it rebuilds in `setLearningRate`), so both kinds follow a schedule.
 */
export function setLearningRate(optimizer: tfType.Optimizer, rate: number): void {
  const withSetter = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof withSetter.setLearningRate === 'function') withSetter.setLearningRate(rate);
  else withSetter.learningRate = rate;
}
