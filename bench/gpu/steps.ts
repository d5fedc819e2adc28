/**
 * The GPU bench's training steps, shared by bench.ts and host-profile.ts: the trainer's own path
 * (compiler, an `Acceleration`, `makeTrainStep`) on one synthetic batch, run as train.ts runs it.
 */
import * as tf from '@tensorflow/tfjs';
import { compileGraph, type CompiledGraph } from '../../engine/compile';
import { resolveTrainingConfig, type TrainingConfig } from '../../engine/graph/training';
import type { GraphDoc } from '../../engine/graph/types';
import type { Acceleration } from '../../engine/train/acceleration';
import { makeTrainStep, readSteps, type PendingStep, type TrainStep } from '../../engine/train/step';

function trainingConfig(raw: Parameters<typeof resolveTrainingConfig>[0]): TrainingConfig {
  const resolved = resolveTrainingConfig(raw);
  if (!resolved.ok) throw new Error(resolved.error);
  return resolved.config;
}
export const SGD = trainingConfig({ optimizer: 'sgd', learningRate: 0.01, momentum: 0.9 });
export const ADAM = trainingConfig({ optimizer: 'adam', learningRate: 0.001 });

export interface Trainer {
  compiled: CompiledGraph;
  optimizer: tf.Optimizer;
  step: TrainStep;
  readEvery: number;
  dispose(): void;
}

export function trainer(graph: GraphDoc, acceleration: Acceleration, config = SGD): Trainer {
  const compiled = compileGraph(graph, tf, { seed: 0, ...acceleration.compile });
  const optimizer = acceleration.buildOptimizer(tf, config);
  const step = acceleration.wrapStep(
    makeTrainStep(tf, compiled, config, 10, optimizer, acceleration.guard, acceleration.crossEntropy),
    optimizer,
  );
  return {
    compiled,
    optimizer,
    step,
    readEvery: acceleration.readEvery,
    dispose: () => (step.dispose?.(), compiled.model.dispose(), optimizer.dispose()),
  };
}

export function syntheticBatch(shape: number[], batch: number) {
  return tf.tidy(() => ({
    x: tf.randomNormal([batch, ...shape], 0, 1, 'float32', 1),
    labels: tf.tensor1d(
      Array.from({ length: batch }, (_, i) => i % 10),
      'int32',
    ) as tf.Tensor1D,
  }));
}

/**
 * `n` steps as the trainer runs them: statistics read every `readEvery` steps, each read
 * overlapping the next group's steps (the last waits for the GPU), per-layer norms on the read
 * steps only. `issueMs`: time spent issuing steps (JS, tfjs, Dawn's binding); near the wall
 * time, the host sets the pace.
 */
export async function runSteps(t: Trainer, x: tf.Tensor, labels: tf.Tensor1D, n: number): Promise<{ lastLoss: number; issueMs: number }> {
  const queued: PendingStep[] = [];
  let lastLoss = NaN;
  let issueMs = 0;
  let reading: Promise<void> = Promise.resolve();
  for (let i = 0; i < n; i++) {
    const readsNext = queued.length + 1 >= t.readEvery || i === n - 1;
    const issued = performance.now();
    queued.push(await t.step.run(x, labels, { norms: readsNext }));
    issueMs += performance.now() - issued;
    if (readsNext) {
      // As train.ts: this group's read overlaps the next group's steps, one read at a time.
      await reading;
      reading = readSteps(tf, queued.splice(0)).then((r) => void (lastLoss = r.at(-1)!.loss));
    }
  }
  await reading;
  return { lastLoss, issueMs };
}
