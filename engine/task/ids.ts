/**
 * The names of tasks and losses, and which loss each task may use: the facts the training schema
 * (engine/graph/training.ts) validates `training.task` and `training.loss` with. Kept apart from
 * the registry (./registry.ts) so the schema imports nothing else.
 */

export const TASK_IDS = ['classification', 'segmentation', 'reconstruction'] as const;
export type TaskId = (typeof TASK_IDS)[number];

export const LOSS_IDS = ['crossEntropy', 'mse', 'bce'] as const;
export type LossId = (typeof LOSS_IDS)[number];

/** The losses a task can train with; the first is its default. */
export const TASK_LOSSES: { readonly [T in TaskId]: readonly [LossId, ...LossId[]] } = {
  classification: ['crossEntropy'],
  segmentation: ['crossEntropy'],
  reconstruction: ['mse', 'bce'],
};

export const LOSS_LABELS: Readonly<Record<LossId, string>> = {
  crossEntropy: 'cross-entropy',
  mse: 'mean squared error',
  bce: 'binary cross-entropy',
};

export function isTaskId(value: unknown): value is TaskId {
  return typeof value === 'string' && (TASK_IDS as readonly string[]).includes(value);
}
