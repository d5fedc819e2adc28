/**
 * One bench case: a model's training step on synthetic data, built the way the trainer builds it
 * (the real compiler, the backend's `accelerationFor`, `makeTrainStep`), so a bench measures what a
 * student's run executes. bench/train_torch.py's `make_case` builds the same in PyTorch.
 */
import * as tf from '@tensorflow/tfjs';
import { compileGraph } from '../../engine/compile';
import { resolveTrainingConfig } from '../../engine/graph/training';
import type { GraphDoc } from '../../engine/graph/types';
import { accelerationFor } from '../../engine/train/acceleration';
import { makeTrainStep, readSteps } from '../../engine/train/step';
import { fashionCnn, lenet5, resnet20, residualCnn } from '../train_models';

export const MODELS = {
  lenet5: { graph: lenet5, shape: [28, 28, 1] },
  fashion: { graph: fashionCnn, shape: [28, 28, 1] },
  residual: { graph: residualCnn, shape: [32, 32, 3] },
  resnet20: { graph: resnet20, shape: [28, 28, 1] },
} satisfies Record<string, { graph: () => GraphDoc; shape: [number, number, number] }>;
export type BenchModel = keyof typeof MODELS;
export type BenchOptimizer = 'adam' | 'momentum';

export interface BenchCase {
  /** One step on the case's fixed batch; resolves once its statistics were read. */
  run(): Promise<number>;
  dispose(): void;
}

export async function setupCase(model: BenchModel, batch: number, optimizerName: BenchOptimizer = 'adam'): Promise<BenchCase> {
  const { graph, shape } = MODELS[model];
  const acceleration = await accelerationFor(tf.getBackend());
  const compiled = compileGraph(graph(), tf, { seed: 0, ...acceleration.compile });
  const resolved = resolveTrainingConfig(
    optimizerName === 'adam' ? { optimizer: 'adam', learningRate: 0.001 } : { optimizer: 'sgd', learningRate: 0.01, momentum: 0.9 },
  );
  if (!resolved.ok) throw new Error(resolved.error);
  const optimizer = acceleration.buildOptimizer(tf, resolved.config);
  const step = acceleration.wrapStep(
    makeTrainStep(tf, compiled, resolved.config, 10, optimizer, acceleration.guard, acceleration.crossEntropy),
    optimizer,
  );
  const x = tf.randomUniform([batch, ...shape], 0, 1, 'float32', 1);
  const labels = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % 10),
    'int32',
  );
  return {
    async run() {
      const [result] = await readSteps(tf, [await step.run(x, labels)]);
      return result!.loss;
    },
    dispose() {
      step.dispose?.();
      tf.dispose([x, labels]);
      compiled.model.dispose();
      optimizer.dispose();
    },
  };
}
