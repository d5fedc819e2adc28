/**
 * The learning-rate schedules, one entry each: how the training form offers it, and its formula in
 * the three places it runs — the app's trainer (`rate`), the exported Python scripts (PyTorch and
 * Keras: `python`) and the exported TensorFlow.js script (`typescript`). They sit side by side so
 * that they cannot drift apart unnoticed; test/engine/graph/schedules.test.ts runs all three, epoch
 * by epoch. A schedule steps once per epoch (0-based `epoch`); `epochs` is the run's length.
 */
import type { Schedule } from './training';

type Of<T extends Schedule['type']> = Extract<Schedule, { type: T }>;

export interface ScheduleSpec<S extends Schedule> {
  /** The form's option for it. */
  readonly label: string;
  /** Its own settings, in the order the form shows them: [field, label]. */
  readonly fields: readonly (readonly [field: Exclude<keyof S, 'type'> & string, label: string])[];
  /** The rate at `epoch`, starting from `lr`. */
  rate(lr: number, s: S, epoch: number, epochs: number): number;
  /** The same formula, as a Python expression in lr, s (the schedule's dict), epoch, epochs and math. */
  readonly python: string;
  /** The same formula, as a TypeScript expression in lr, s, epoch and epochs. */
  readonly typescript: string;
}

/** Cosine's span: the last epoch reaches the final rate (one epoch: no decay). */
const span = (epochs: number) => Math.max(1, epochs - 1);

export const SCHEDULES: { readonly [T in Schedule['type']]: ScheduleSpec<Of<T>> } = {
  constant: { label: 'constant', fields: [], rate: (lr) => lr, python: 'lr', typescript: 'lr' },
  step: {
    label: 'step (× γ every N epochs)',
    fields: [
      ['everyEpochs', 'Every N epochs'],
      ['gamma', 'γ'],
    ],
    rate: (lr, s, epoch) => lr * s.gamma ** Math.floor(epoch / s.everyEpochs),
    python: 'lr * s["gamma"] ** (epoch // s["everyEpochs"])',
    typescript: 'lr * s.gamma ** Math.floor(epoch / s.everyEpochs)',
  },
  inverseTime: {
    label: 'inverse time ε₀/(1+decay·t)',
    fields: [['decay', 'Decay']],
    rate: (lr, s, epoch) => lr / (1 + s.decay * epoch),
    python: 'lr / (1 + s["decay"] * epoch)',
    typescript: 'lr / (1 + s.decay * epoch)',
  },
  cosine: {
    label: 'cosine',
    fields: [['minLearningRate', 'Final rate']],
    rate: (lr, s, epoch, epochs) =>
      s.minLearningRate + 0.5 * (lr - s.minLearningRate) * (1 + Math.cos((Math.PI * Math.min(epoch, span(epochs))) / span(epochs))),
    python:
      's["minLearningRate"] + 0.5 * (lr - s["minLearningRate"]) * (1 + math.cos(math.pi * min(epoch, max(1, epochs - 1)) / max(1, epochs - 1)))',
    typescript:
      's.minLearningRate + 0.5 * (lr - s.minLearningRate) * (1 + Math.cos((Math.PI * Math.min(epoch, Math.max(1, epochs - 1))) / Math.max(1, epochs - 1)))',
  },
};

export const SCHEDULE_TYPES = Object.keys(SCHEDULES) as Schedule['type'][];
