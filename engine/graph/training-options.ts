/**
 * Every training option and how each part of the house handles it: the app's trainer, the WebGPU
 * path, the three emitted training scripts and the editor's training form. The table is exhaustive
 * over the schema's fields (`TrainingField`), so a new schema field does not compile until its row says what each of
 * them does with it (or why it is ignored), and it is read by the code it describes: each script's
 * CONFIG holds the options marked `config`, its flags default to those marked `flag`, the form shows
 * the `field`s in this order. test/engine/graph/training-options.test.ts checks every script
 * against it.
 */
import type { Optimizer, TrainingConfig, TrainingField } from './training';

export type ScriptTarget = 'pytorch' | 'keras' | 'tfjs';

/** How an emitted training script applies an option. */
export type ScriptUse =
  /** In the script's CONFIG (from the graph), and read there. */
  | 'config'
  /** Settled when the script is written: the script holds the code for the graph's value only (its task's loss and metrics); in CONFIG for the record. */
  | 'emitted'
  /** The default of a command-line flag. */
  | { readonly flag: string }
  /** Resolved per layer into the L2 penalty on the weights the layer registry marks decayed (WEIGHT_DECAY; Keras regularizers). */
  | 'decay'
  /** Not applied by that script, and why. */
  | { readonly ignored: string };

/** How the training form shows an option. */
export type FormUse =
  /** A number field, in the table's order; only for that optimizer when `optimizer` is given. */
  | { readonly field: string; readonly optimizer?: Optimizer; help?(config: TrainingConfig): string }
  /** A control of its own in the form (a select and what goes with it). */
  | { readonly control: 'runner' | 'task' | 'loss' | 'optimizer' | 'nesterov' | 'schedule' }
  /** Set elsewhere in the editor. */
  | { readonly elsewhere: string }
  /** Not in the editor: set in the graph file's `training`. */
  | { readonly fileOnly: string };

export interface TrainingOption {
  /** What the app's trainer (engine/train) does with it. */
  readonly trainer: string;
  /** What the WebGPU path (engine/train/acceleration.ts, engine/train/webgpu/) does differently, if anything. */
  readonly webgpu: string;
  readonly scripts: Readonly<Record<ScriptTarget, ScriptUse>>;
  readonly form: FormUse;
}

const allScripts = (use: ScriptUse): Record<ScriptTarget, ScriptUse> => ({ pytorch: use, keras: use, tfjs: use });

/** What μ means for the step: v ← μ·v − ε·g averages roughly the last 1/(1 − μ) gradients (μ < 1: the schema's bound). */
export function momentumHelp(mu: number): string {
  if (mu === 0) return 'v ← μv − εg; 0: plain SGD, each step follows its own minibatch';
  return `v ← μv − εg: each step follows about the last ${+(1 / (1 - mu)).toPrecision(2)} minibatches’ gradients`;
}

const ADAM_STATE = 'FusedAdamOptimizer (in place, one launch per weight)';

export const TRAINING_OPTIONS = {
  task: {
    trainer:
      'the task registry (engine/task): what each batch is compared with (labels, masks, the input), the loss, the sums each step returns, the metrics and the views each epoch streams',
    webgpu: 'as the trainer; segmentation’s [B, H, W, classes] scores reach the fused cross-entropy as [B·H·W, classes]',
    // Each script holds its task's code (engine/export/*/task-code.ts): targets, loss, sums, metrics, views.
    scripts: allScripts('emitted'),
    form: { control: 'task' },
  },
  loss: {
    trainer: 'the task’s loss (TaskSpec.training.loss): cross-entropy; for reconstruction mean squared error or binary cross-entropy',
    webgpu: 'cross-entropy: the fused kernel; mean squared error and binary cross-entropy: tfjs ops, recorded and replayed with the step',
    scripts: allScripts('emitted'),
    form: { control: 'loss' },
  },
  runner: {
    trainer: 'not read: it chooses which trainer runs (the hosts and `netcanvas train` read it)',
    webgpu: 'not read',
    scripts: allScripts({ ignored: 'the script is itself what trains' }),
    form: { control: 'runner' },
  },
  optimizer: {
    trainer: 'buildOptimizer (engine/train/config.ts): tf.train.adam, or SGD (tf.train.momentum when μ > 0, else tf.train.sgd)',
    webgpu: 'the fused optimizers: FusedAdamOptimizer, or FusedMomentumOptimizer for SGD (μ = 0 too, for its in-place update)',
    scripts: allScripts('config'),
    form: { control: 'optimizer' },
  },
  learningRate: {
    trainer: "epoch 0's rate; learningRateAt sets each epoch's (setLearningRate)",
    webgpu: 'as the trainer; a recorded step holds the rate in a uniform, so a new rate records the step again',
    scripts: allScripts('config'),
    form: { field: 'Learning rate' },
  },
  momentum: {
    trainer: 'SGD only: tf.train.momentum’s μ (0: tf.train.sgd)',
    webgpu: 'FusedMomentumOptimizer’s μ',
    scripts: allScripts('config'),
    form: { field: 'Momentum', optimizer: 'sgd', help: (c) => momentumHelp(c.momentum) },
  },
  nesterov: {
    trainer: 'SGD with μ > 0: tf.train.momentum’s useNesterov',
    webgpu: 'FusedMomentumOptimizer’s Nesterov step (when μ > 0)',
    scripts: allScripts('config'),
    // The templates train with it, so the form shows it (the lecture’s SGD is the box unticked).
    form: { control: 'nesterov' },
  },
  adamBeta1: {
    trainer: 'Adam: tf.train.adam’s β1',
    webgpu: `${ADAM_STATE}: β1`,
    scripts: allScripts('config'),
    form: { fileOnly: 'rarely changed; 0.9 as in PyTorch and Keras' },
  },
  adamBeta2: {
    trainer: 'Adam: tf.train.adam’s β2',
    webgpu: `${ADAM_STATE}: β2`,
    scripts: allScripts('config'),
    form: { fileOnly: 'rarely changed; 0.999 as in PyTorch and Keras' },
  },
  adamEpsilon: {
    trainer: 'Adam: tf.train.adam’s ε',
    webgpu: `${ADAM_STATE}: ε`,
    scripts: allScripts('config'),
    form: { fileOnly: 'rarely changed; 1e-7 as tfjs and Keras (PyTorch’s own default is 1e-8)' },
  },
  schedule: {
    trainer: 'learningRateAt (engine/graph/training.ts) with the formulas of engine/graph/schedules.ts, once per epoch',
    webgpu: 'as the trainer',
    scripts: allScripts('config'),
    form: { control: 'schedule' },
  },
  weightDecay: {
    trainer: 'λ·Σw² added to the loss for each weight the layer registry marks decayed (engine/train/step.ts)',
    webgpu: 'as the trainer',
    scripts: allScripts('decay'),
    form: { field: 'Weight decay λ', help: () => 'L2 on all weights; override per layer in the inspector' },
  },
  layerWeightDecay: {
    trainer: 'λ_l for that node instead of weightDecay',
    webgpu: 'as the trainer',
    scripts: allScripts('decay'),
    form: { elsewhere: 'the inspector’s “Weight decay (this layer)”' },
  },
  batchSize: {
    trainer: 'samples per step (at most the training split’s size; the last batch of an epoch is smaller)',
    webgpu: 'as the trainer; a step is recorded for replay at each batch shape',
    scripts: { pytorch: { flag: '--batch-size' }, keras: { flag: '--batch-size' }, tfjs: { flag: 'batch-size' } },
    form: { field: 'Batch size' },
  },
  epochs: {
    trainer: 'passes over the training split; the schedule spans them',
    webgpu: 'as the trainer',
    scripts: { pytorch: { flag: '--epochs' }, keras: { flag: '--epochs' }, tfjs: { flag: 'epochs' } },
    form: { field: 'Epochs' },
  },
  validationSplit: {
    trainer: 'the share held out for validation (splitTrainValidation, seeded)',
    webgpu: 'as the trainer',
    scripts: { pytorch: 'config', keras: 'config', tfjs: { ignored: 'it trains on the whole training split and reports no validation' } },
    form: { field: 'Validation split' },
  },
  seed: {
    trainer: 'the initialisers, dropout masks, validation split and each epoch’s order',
    webgpu: 'as the trainer; dropout masks are drawn on the GPU from the same hash',
    scripts: {
      pytorch: 'config',
      keras: 'config',
      tfjs: { ignored: 'tfjs under Node has no seeded shuffle or initialiser: each run differs' },
    },
    form: { fileOnly: 'the templates fix it, so that a class sees the same runs' },
  },
} satisfies Record<TrainingField, TrainingOption>;

export type TrainingOptionName = keyof typeof TRAINING_OPTIONS;

/** The options a script reads from its CONFIG, in the table's order, with the graph's values. */
export function scriptConfig(config: TrainingConfig, target: ScriptTarget): Record<string, unknown> {
  const entries = Object.entries(TRAINING_OPTIONS) as [TrainingOptionName, TrainingOption][];
  return Object.fromEntries(
    entries.filter(([, o]) => o.scripts[target] === 'config' || o.scripts[target] === 'emitted').map(([name]) => [name, config[name]]),
  );
}
