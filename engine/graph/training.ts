/**
 * The `training` field of a graph document: how to train it. Pure (no tfjs) so the editor can
 * validate and show it. Every field is optional in the file; `resolveTrainingConfig` fills defaults.
 */
import { z } from 'zod';
import { formatPath } from './schema';
import { SCHEDULES, type ScheduleSpec } from './schedules';
import { LOSS_IDS, LOSS_LABELS, TASK_IDS, TASK_LOSSES, type LossId } from '../task/ids';

const schedule = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('constant') }),
  /** Multiply the rate by `gamma` every `everyEpochs` epochs. */
  z.looseObject({ type: z.literal('step'), everyEpochs: z.number().int().min(1).default(1), gamma: z.number().gt(0).lte(1).default(0.5) }),
  /** The lecture's ε_t = c/t, as ε_t = ε₀ / (1 + decay·t) with t counted in epochs so it never divides by zero. */
  z.looseObject({ type: z.literal('inverseTime'), decay: z.number().min(0).default(1) }),
  /** Half a cosine from the initial rate down to `minLearningRate` over all epochs. */
  z.looseObject({ type: z.literal('cosine'), minLearningRate: z.number().min(0).default(0) }),
]);

export const OPTIMIZERS = ['sgd', 'adam'] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];

export const trainingSchema = z.looseObject({
  /** What the graph learns (engine/task): a class per sample (default), a class per pixel, or the input back. */
  task: z.enum(TASK_IDS).default('classification'),
  /** The task's loss; omitted: the task's default (cross-entropy; mean squared error for reconstruction). */
  loss: z.enum(LOSS_IDS).optional(),
  optimizer: z.enum(OPTIMIZERS).default('adam'),
  learningRate: z.number().gt(0).lte(10).default(0.001),
  /** SGD only. */
  momentum: z.number().min(0).lt(1).default(0.9),
  nesterov: z.boolean().default(false),
  /** Adam only: the decay of its running mean of gradients (β1) and of squared gradients (β2), and its ε. Defaults as tfjs and Keras. */
  adamBeta1: z.number().min(0).lt(1).default(0.9),
  adamBeta2: z.number().min(0).lt(1).default(0.999),
  adamEpsilon: z.number().gt(0).lte(1).default(1e-7),
  schedule: schedule.default({ type: 'constant' }),
  /** L2 penalty λ added to the loss as λ·Σw² for every weight (not biases or batchNorm). */
  weightDecay: z.number().min(0).default(0),
  /** Per-layer λ_l by node id, overriding `weightDecay`. */
  layerWeightDecay: z.record(z.string(), z.number().min(0)).default({}),
  batchSize: z.number().int().min(1).max(65536).default(64),
  epochs: z.number().int().min(1).max(10000).default(3),
  validationSplit: z.number().min(0).lt(1).default(0.1),
  seed: z.number().int().min(0).default(42),
  /** Which engine trains it, in the app and `netcanvas train`: the app's TensorFlow.js trainer (default) or the exported PyTorch script. */
  runner: z.enum(['tfjs', 'pytorch']).optional(),
});

/** The schema's output, with the loss resolved for the task (the file may leave it out). */
export type TrainingConfig = z.output<typeof trainingSchema> & { loss: LossId };
/**
 * The schema's own fields, by name. (`TrainingConfig` also admits any other field, kept as the file
 * has it, so `keyof TrainingConfig` is every string: tables that must list each field use this.)
 */
export type TrainingField = keyof { [K in keyof TrainingConfig as string extends K ? never : number extends K ? never : K]: true };
export type Schedule = TrainingConfig['schedule'];

/** Defaults filled in, or a message naming the bad field ("training.learningRate: …"). */
export function resolveTrainingConfig(raw: unknown): { ok: true; config: TrainingConfig } | { ok: false; error: string } {
  const parsed = trainingSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: `training.${formatPath(issue.path)}: ${issue.message}` };
  }
  const losses = TASK_LOSSES[parsed.data.task];
  const loss = parsed.data.loss ?? losses[0];
  if (!losses.includes(loss)) {
    const choices = losses.map((l) => `"${l}" (${LOSS_LABELS[l]})`).join(' or ');
    return { ok: false, error: `training.loss: "${loss}" is not a loss for ${parsed.data.task}; use ${choices}` };
  }
  return { ok: true, config: { ...parsed.data, loss } };
}

/** Learning rate for a 0-based epoch; the schedule steps once per epoch (formulas: ./schedules). */
export function learningRateAt(config: TrainingConfig, epoch: number): number {
  return scheduleRate(config.schedule, config.learningRate, epoch, config.epochs);
}

function scheduleRate<S extends Schedule>(s: S, lr: number, epoch: number, epochs: number): number {
  return (SCHEDULES[s.type] as unknown as ScheduleSpec<S>).rate(lr, s, epoch, epochs);
}

/** For exhaustive switches: a value that cannot exist unless a case was forgotten (then it does not compile). */
export function unreachable(value: never, what: string): never {
  throw new Error(`unknown ${what} ${JSON.stringify(value)}`);
}
