/**
 * A training step as the trainer should run it on WebGPU: one taped forward/backward, SGD with
 * momentum applied on the GPU, and the loss read asynchronously (`await data()`, never
 * `dataSync()`, which throws on WebGPU in Node) every `readEvery` steps only.
 */
import * as tf from '@tensorflow/tfjs';

export interface Throughput {
  samplesPerSecond: number;
  msPerStep: number;
  steps: number;
  finalLoss: number;
}

export function makeStep(model: tf.LayersModel, optimizer: tf.Optimizer): (x: tf.Tensor, y: tf.Tensor) => tf.Scalar {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return (x, y) =>
    tf.tidy(() => {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true, variables);
      return loss!;
    });
}

export function syntheticBatch(shape: number[], batch: number, classes = 10): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => ({
    x: tf.randomNormal([batch, ...shape]),
    y: tf.oneHot(tf.randomUniform([batch], 0, classes, 'int32') as tf.Tensor1D, classes),
  }));
}

export async function measure(step: (x: tf.Tensor, y: tf.Tensor) => tf.Scalar, x: tf.Tensor, y: tf.Tensor, warmup: number, steps: number, readEvery = 16): Promise<Throughput> {
  for (let i = 0; i < warmup; i++) {
    const loss = step(x, y);
    await loss.data();
    loss.dispose();
  }
  let finalLoss = NaN;
  const start = performance.now();
  for (let i = 0; i < steps; i++) {
    const loss = step(x, y);
    if (i % readEvery === readEvery - 1 || i === steps - 1) finalLoss = (await loss.data())[0]!;
    loss.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  const batch = x.shape[0]!;
  return { samplesPerSecond: (steps * batch) / seconds, msPerStep: (seconds * 1000) / steps, steps, finalLoss };
}
