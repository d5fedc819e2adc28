/**
 * One optimisation step, written out (not `model.fit`) so that we can add each layer's L2 penalty
 * λ_l·Σw², measure each layer's gradient norm, and refuse to apply a step whose loss or gradients
 * are not finite, which keeps the last good weights when training diverges.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { TrainingConfig } from '../graph/training';
import type { CompiledGraph } from '../compile/compile';

type Tf = typeof tfType;

export interface StepResult {
  /** Cross-entropy plus the weight-decay penalty: the objective being minimised. */
  readonly loss: number;
  readonly correct: number;
  /** L2 norm of each tracked layer's gradient, in `trackedLayers` order. */
  readonly gradientNorms: readonly number[];
  /** False when the loss or a gradient was NaN or infinite: the step was not applied. */
  readonly finite: boolean;
}

interface TrackedLayer {
  readonly nodeId: string;
  readonly variables: tfType.Variable[];
}

export interface TrainStep {
  readonly trackedLayers: readonly string[];
  run(x: tfType.Tensor, labels: tfType.Tensor1D): StepResult;
}

export function makeTrainStep(tf: Tf, compiled: CompiledGraph, config: TrainingConfig, numClasses: number, optimizer: tfType.Optimizer): TrainStep {
  const tracked: TrackedLayer[] = [];
  const decayed: { variable: tfType.Variable; lambda: number }[] = [];
  for (const [nodeId, name] of compiled.layerNames) {
    let layer: tfType.layers.Layer;
    try {
      layer = compiled.model.getLayer(name);
    } catch {
      continue; // nodes without a layer of their own (none today, but an input has no weights)
    }
    const variables = layer.trainableWeights.map((w) => w.read() as tfType.Variable);
    if (variables.length === 0) continue;
    tracked.push({ nodeId, variables });
    const lambda = config.layerWeightDecay[nodeId] ?? config.weightDecay;
    // Kernels only (rank ≥ 2): biases and batchNorm's γ/β are not decayed, as the config documents.
    if (lambda > 0) for (const v of variables) if (v.rank >= 2) decayed.push({ variable: v, lambda });
  }
  const allVariables = tracked.flatMap((t) => t.variables);

  function run(x: tfType.Tensor, labels: tfType.Tensor1D): StepResult {
    let logits: tfType.Tensor | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const out = compiled.logitsModel.apply(x, { training: true }) as tfType.Tensor;
      logits = tf.keep(out);
      const oneHot = tf.oneHot(labels, numClasses);
      let loss = tf.losses.softmaxCrossEntropy(oneHot, out) as tfType.Scalar;
      for (const { variable, lambda } of decayed) loss = loss.add(tf.sum(tf.square(variable)).mul(lambda));
      return loss;
    }, allVariables);
    const stats = tf.tidy(() => {
      const correct = tf.sum(tf.equal(tf.argMax(logits!, -1), labels).cast('float32'));
      const norms = tracked.map((t) => tf.sqrt(tf.addN(t.variables.map((v) => tf.sum(tf.square(grads[v.name]!))))));
      return tf.stack([value, correct, ...norms]);
    });
    const numbers = stats.dataSync();
    stats.dispose();
    tf.dispose(logits!);
    value.dispose();
    const finite = numbers.every((n) => Number.isFinite(n));
    if (finite) optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    return { loss: numbers[0]!, correct: numbers[1]!, gradientNorms: Array.from(numbers.subarray(2)), finite };
  }

  return { trackedLayers: tracked.map((t) => t.nodeId), run };
}
