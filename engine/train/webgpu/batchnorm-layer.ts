/**
 * A drop-in for `tf.layers.batchNormalization` (channels last, same weights in the same order:
 * gamma, beta, moving_mean, moving_variance; same Keras momentum meaning) whose training mode
 * uses the fused WebGPU kernels when the active backend is `webgpu`, and plain tfjs ops
 * otherwise. Inference uses the moving statistics like the stock layer.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormTraining, movingAverage } from './batchnorm';

export interface FusedBatchNormArgs {
  momentum?: number;
  epsilon?: number;
  name?: string;
}

type LayerVariable = ReturnType<tf.layers.Layer['addWeight']>;

export class FusedBatchNormalization extends tf.layers.Layer {
  static className = 'NetCanvasFusedBatchNormalization';
  private readonly momentum: number;
  private readonly epsilon: number;
  private gamma!: LayerVariable;
  private beta!: LayerVariable;
  private movingMean!: LayerVariable;
  private movingVariance!: LayerVariable;

  constructor(args: FusedBatchNormArgs = {}) {
    super({ name: args.name });
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null) throw new Error(`${this.name}: the channel dimension must be known, got shape [${shape.join(', ')}]`);
    this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const gamma = this.gamma.read() as tf.Tensor1D;
    const beta = this.beta.read() as tf.Tensor1D;
    const movingMean = this.movingMean.read() as tf.Tensor1D;
    const movingVariance = this.movingVariance.read() as tf.Tensor1D;
    if (kwargs.training !== true) return tf.batchNorm(x, movingMean, movingVariance, beta, gamma, this.epsilon);

    if (tf.getBackend() === 'webgpu') {
      const { y, stats } = batchNormTraining(x, gamma, beta, this.epsilon);
      const newMean = movingAverage(movingMean, stats, 0, this.momentum);
      const newVariance = movingAverage(movingVariance, stats, 2, this.momentum);
      this.movingMean.write(newMean);
      this.movingVariance.write(newVariance);
      stats.dispose();
      return y;
    }
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    const y = tf.batchNorm(x, mean, variance, beta, gamma, this.epsilon);
    tf.tidy(() => {
      this.movingMean.write(tf.add(tf.mul(movingMean, this.momentum), tf.mul(mean, 1 - this.momentum)));
      this.movingVariance.write(tf.add(tf.mul(movingVariance, this.momentum), tf.mul(variance, 1 - this.momentum)));
    });
    return y;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(FusedBatchNormalization);
