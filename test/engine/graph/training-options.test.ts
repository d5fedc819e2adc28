/**
 * The training-options table (engine/graph/training-options.ts) says how every part handles every
 * option; these tests hold each emitted training script to it (an option in CONFIG is read there, a
 * flag defaults to the graph's value, an ignored option is left out), and check that Adam's β1, β2
 * and ε reach the optimizers of the trainer and of the WebGPU path.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { exportGraph } from '../../../engine/export';
import { resolveTrainingConfig, type TrainingConfig } from '../../../engine/graph/training';
import { TRAINING_OPTIONS, type ScriptTarget, type TrainingOption, type TrainingOptionName } from '../../../engine/graph/training-options';
import type { GraphDoc } from '../../../engine/graph/types';
import { accelerationFor } from '../../../engine/train/acceleration';
import { buildOptimizer } from '../../../engine/train/config';
import { registerWebGPUBackend } from '../../../engine/train/webgpu/device/register';
import { chain } from '../../helpers/graphs';

/** Every option away from its default, so a script that hard-codes a default shows. */
const TRAINING = {
  task: 'classification',
  loss: 'crossEntropy',
  optimizer: 'sgd',
  learningRate: 0.02,
  momentum: 0.8,
  nesterov: true,
  adamBeta1: 0.85,
  adamBeta2: 0.99,
  adamEpsilon: 1e-6,
  schedule: { type: 'step', everyEpochs: 2, gamma: 0.25 },
  weightDecay: 0.003,
  layerWeightDecay: { fc: 0.004 },
  batchSize: 17,
  epochs: 5,
  validationSplit: 0.2,
  seed: 9,
  runner: 'pytorch',
};
const doc: GraphDoc = {
  ...chain(['in', 'input', { shape: [6] }], ['fc', 'dense', { units: 3 }]),
  training: TRAINING,
  dataset: { source: 'embedded:mnist' },
};
const resolved = resolveTrainingConfig(TRAINING);
if (!resolved.ok) throw new Error(resolved.error);
const config: TrainingConfig = resolved.config;

const SCRIPTS: Record<ScriptTarget, { file: string; target: 'pytorch' | 'keras' | 'tfjs'; reads: (name: string) => string }> = {
  pytorch: { file: 'train.py', target: 'pytorch', reads: (n) => `CONFIG["${n}"]` },
  keras: { file: 'train.py', target: 'keras', reads: (n) => `CONFIG["${n}"]` },
  tfjs: { file: 'train.ts', target: 'tfjs', reads: (n) => `CONFIG.${n}` },
};
const OPTIONS = Object.entries(TRAINING_OPTIONS) as [TrainingOptionName, TrainingOption][];
const rows = OPTIONS.flatMap(([name, option]) =>
  (Object.keys(SCRIPTS) as ScriptTarget[]).map((target) => [name, target, option.scripts[target]] as const),
);

describe('the training-options table', () => {
  it('has a row for every field of the training schema, and the test graph sets every one', () => {
    expect(Object.keys(TRAINING_OPTIONS).sort()).toEqual(Object.keys(config).sort());
    expect(Object.keys(TRAINING).sort()).toEqual(Object.keys(config).sort());
  });

  it.each(rows)('%s in the %s script: %j', (name, target, use) => {
    const { file, reads } = SCRIPTS[target];
    const files = exportGraph(doc, SCRIPTS[target].target).files;
    const text = files.find((f) => f.name === file)!.text;
    const configLine = /^(?:const )?CONFIG[^=]*= (.*?);?$/m.exec(text)![1]!;
    // Python's literals for these values are JSON's but for True/False/None.
    const emitted = JSON.parse(
      configLine
        .replace(/\bTrue\b/g, 'true')
        .replace(/\bFalse\b/g, 'false')
        .replace(/\bNone\b/g, 'null'),
    );
    if (use === 'config') {
      expect(emitted[name]).toEqual(config[name]);
      expect(text).toContain(reads(name));
    } else if (use === 'emitted') {
      // Settled when written: in CONFIG for the record, and the script says which it holds.
      expect(emitted[name]).toEqual(config[name]);
      expect(text).toMatch(name === 'task' ? new RegExp(`TASK = ["']${config.task}["']`) : /task_loss|taskLoss|LOSS = /);
    } else if (use === 'decay') {
      expect(emitted).not.toHaveProperty(name);
      // Per layer, into the script's WEIGHT_DECAY or Keras's regularizers (what exactly: test/engine/layers/weights.test.ts).
      expect(files.map((f) => f.text).join('\n')).toMatch(/WEIGHT_DECAY[^=]*= \{"fc"|kernel_regularizer=regularizers\.L2\(0\.004\)/);
    } else if ('flag' in use) {
      expect(emitted).not.toHaveProperty(name);
      const flag = use.flag.replace(/^--/, '');
      const declared = new RegExp(`["']?-?-?${flag}["']?[:,] .*default[=:] ?'?(\\d+)`).exec(text);
      expect(declared?.[1], `${flag}'s default`).toBe(String(config[name]));
    } else {
      expect(emitted).not.toHaveProperty(name);
      expect(text).not.toContain(reads(name));
    }
  });
});

describe("Adam's β1, β2 and ε", () => {
  const adam = { ...config, optimizer: 'adam' as const };
  const settings = (o: tf.Optimizer) => {
    const { beta1, beta2, epsilon } = o as unknown as { beta1: number; beta2: number; epsilon: number };
    return { beta1, beta2, epsilon };
  };

  it("reach the trainer's optimizer, and default to tfjs's own", async () => {
    await tf.setBackend('cpu');
    expect(settings(buildOptimizer(tf, adam))).toEqual({ beta1: 0.85, beta2: 0.99, epsilon: 1e-6 });
    const defaults = resolveTrainingConfig({});
    if (!defaults.ok) throw new Error(defaults.error);
    const stock = tf.train.adam(0.001);
    expect(settings(buildOptimizer(tf, defaults.config))).toEqual(settings(stock));
  });

  it("reach the WebGPU path's fused Adam", async (ctx) => {
    const registration = await registerWebGPUBackend({ software: true });
    if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
    await tf.setBackend('webgpu');
    const acceleration = await accelerationFor('webgpu');
    const optimizer = acceleration.buildOptimizer(tf, adam);
    expect(optimizer.getClassName()).toBe('Adam');
    expect(settings(optimizer)).toEqual({ beta1: 0.85, beta2: 0.99, epsilon: 1e-6 });
    optimizer.dispose();
    await tf.setBackend('cpu');
  });
});
