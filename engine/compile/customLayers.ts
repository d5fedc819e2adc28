/**
 * The layers tfjs lacks in the form the checker promises:
 * - `NegInfPadding2D`: explicit int padding for max pooling must pad with −∞ (a zero would win
 *   over negative activations and change the result);
 * - `SeededDropout`: inverted dropout whose masks come from a seeded stream (./dropoutMask), so the
 *   same seed gives the same loss curve. tfjs's own dropout with a `seed` reuses one mask for every
 *   batch. A backend may draw the same masks itself (WebGPU does, on the GPU, so that a step has
 *   no host input).
 * - `ChannelBatchNorm`: batch normalisation over the last axis written with broadcasting. tfjs's
 *   own layer tiles the statistics to the full tensor shape in training (a workaround for its CPU
 *   backend), and that Tile cost 10× the convolutions in the residual benchmark on WASM.
 */
import type * as tfType from '@tensorflow/tfjs';
import { dropoutMask } from './dropoutMask';
import { deferUntilGuarded } from './guardedUpdates';

type Tf = typeof tfType;
type Tensor = tfType.Tensor;
type Shape = (number | null)[];

/**
 * A faster training-mode batch norm for one backend (the trainer passes WebGPU's fused kernels):
 * y with this batch's statistics, differentiable in x, γ and β, plus the new moving statistics,
 * or null for both when the op updated the moving-statistics variables it was given in place.
 */
export type BatchNormTrainingOp = (
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  movingMean: Tensor,
  movingVariance: Tensor,
  momentum: number,
  epsilon: number,
) => { y: Tensor; movingMean: Tensor; movingVariance: Tensor } | { y: Tensor; movingMean: null; movingVariance: null };

/** One dropout layer's mask stream on a backend that draws masks itself. */
export interface DropoutState {
  /** Drawn from the graph's seed when the layer first trains. */
  readonly seed: number;
  /** Where the backend keeps its place in the stream (the layer disposes it). */
  counter: tfType.Variable | null;
}

/**
 * A faster training-mode dropout for one backend: x with each element kept with probability
 * 1 − rate and scaled by 1/(1 − rate), the mask drawn from `state`, differentiable in x.
 */
export type DropoutTrainingOp = (x: Tensor, rate: number, state: DropoutState) => Tensor;

/** Classes are built per tfjs module so the compiler never imports tfjs itself (the caller passes it). */
export function customLayers(tf: Tf, options: { batchNormTraining?: BatchNormTrainingOp; dropoutTraining?: DropoutTrainingOp } = {}) {
  class NegInfPadding2D extends tf.layers.Layer {
    static className = 'NetCanvasNegInfPadding2D';
    private readonly pad: number;
    constructor(config: { pad: number; name: string }) {
      super({ name: config.name });
      this.pad = config.pad;
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const s = inputShape as Shape;
      const grow = (d: number | null) => (d === null ? null : d + 2 * this.pad);
      return [s[0] ?? null, grow(s[1] ?? null), grow(s[2] ?? null), s[3] ?? null];
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const p = this.pad;
      // The checker guarantees every window keeps at least one real pixel, so −∞ never wins.
      return tf.pad(
        x,
        [
          [0, 0],
          [p, p],
          [p, p],
          [0, 0],
        ],
        -Infinity,
      );
    }
    override getConfig() {
      return { ...super.getConfig(), pad: this.pad };
    }
  }

  class SeededDropout extends tf.layers.Layer {
    static className = 'NetCanvasSeededDropout';
    private readonly rate: number;
    private readonly nextSeed: () => number;
    private stream: DropoutState | null = null;
    /** Masks drawn so far on the host (a backend's own op counts in `stream.counter`). */
    private steps = 0;
    /** Monte-Carlo dropout: masks drawn at test time too, from this stream (null: test time passes x through). */
    private testStream: { readonly seed: number; step: number } | null = null;
    constructor(config: { rate: number; name: string; nextSeed: () => number }) {
      super({ name: config.name });
      this.rate = config.rate;
      this.nextSeed = config.nextSeed;
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return inputShape as Shape;
    }
    /**
     * Draws masks at test time as well, from the stream `seed` (engine/inspect's Monte-Carlo
     * dropout: each prediction is one of the thinned nets); null turns it off again.
     */
    sampleAtTest(seed: number | null): void {
      this.testStream = seed == null ? null : { seed, step: 0 };
    }
    override call(inputs: Tensor | Tensor[], kwargs: { training?: boolean }): Tensor {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      if (this.rate === 0) return x;
      if (!kwargs.training) {
        if (this.testStream == null) return x;
        const mask = dropoutMask(x.size, this.rate, this.testStream.seed, this.testStream.step++);
        return tf.tidy(() => x.mul(tf.tensor(mask, x.shape, 'float32')));
      }
      this.stream ??= { seed: this.nextSeed(), counter: null };
      if (options.dropoutTraining) return options.dropoutTraining(x, this.rate, this.stream);
      const mask = dropoutMask(x.size, this.rate, this.stream.seed, this.steps++);
      return tf.tidy(() => x.mul(tf.tensor(mask, x.shape, 'float32')));
    }
    override getConfig() {
      return { ...super.getConfig(), rate: this.rate };
    }
    override dispose() {
      const result = super.dispose();
      if (result.refCountAfterDispose === 0) this.stream?.counter?.dispose();
      return result;
    }
  }

  type LayerVariable = ReturnType<tfType.layers.Layer['addWeight']>;

  class ChannelBatchNorm extends tf.layers.Layer {
    static className = 'NetCanvasBatchNorm';
    private readonly momentum: number;
    private readonly epsilon: number;
    private gamma!: LayerVariable;
    private beta!: LayerVariable;
    private movingMean!: LayerVariable;
    private movingVariance!: LayerVariable;
    constructor(config: { momentum: number; epsilon: number; name: string }) {
      super({ name: config.name });
      this.momentum = config.momentum;
      this.epsilon = config.epsilon;
    }
    override build(inputShape: Shape | Shape[]): void {
      const shape = inputShape as Shape;
      const channels = [shape[shape.length - 1]!];
      // Same names and order as Keras/tfjs (gamma, beta, moving_mean, moving_variance) for checkpoints.
      this.gamma = this.addWeight('gamma', channels, 'float32', tf.initializers.ones(), undefined, true);
      this.beta = this.addWeight('beta', channels, 'float32', tf.initializers.zeros(), undefined, true);
      this.movingMean = this.addWeight('moving_mean', channels, 'float32', tf.initializers.zeros(), undefined, false);
      this.movingVariance = this.addWeight('moving_variance', channels, 'float32', tf.initializers.ones(), undefined, false);
      this.built = true;
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return inputShape as Shape;
    }
    override call(inputs: Tensor | Tensor[], kwargs: { training?: boolean }): Tensor {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.tidy(() => {
        const gamma = this.gamma.read();
        const beta = this.beta.read();
        // Frozen, it is a fixed function while training too: test-time normalisation, statistics kept (as Keras).
        if (!kwargs.training || !this.trainable) {
          const scale = gamma.mul(tf.rsqrt(this.movingVariance.read().add(this.epsilon)));
          return x.mul(scale).add(beta.sub(this.movingMean.read().mul(scale)));
        }
        if (options.batchNormTraining) {
          const fused = options.batchNormTraining(
            x,
            gamma,
            beta,
            this.movingMean.read(),
            this.movingVariance.read(),
            this.momentum,
            this.epsilon,
          );
          if (fused.movingMean != null) {
            this.movingMean.write(fused.movingMean);
            this.movingVariance.write(fused.movingVariance);
          }
          return fused.y;
        }
        const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
        const { mean, variance } = tf.moments(x, axes);
        // Keras semantics: running = running·momentum + batch·(1 − momentum); written once the
        // trainer knows the step is finite (./guardedUpdates).
        const m = this.momentum;
        const next = tf.keep(
          tf.stack([
            this.movingMean
              .read()
              .mul(m)
              .add(mean.mul(1 - m)),
            this.movingVariance
              .read()
              .mul(m)
              .add(variance.mul(1 - m)),
          ]),
        );
        deferUntilGuarded({
          apply: (ok) => {
            tf.tidy(() => {
              const kept =
                ok == null
                  ? next
                  : tf.where(
                      tf.broadcastTo(ok.cast('bool'), next.shape),
                      next,
                      tf.stack([this.movingMean.read(), this.movingVariance.read()]),
                    );
              const [nextMean, nextVariance] = tf.unstack(kept);
              this.movingMean.write(nextMean!);
              this.movingVariance.write(nextVariance!);
            });
            next.dispose();
          },
          discard: () => next.dispose(),
        });
        const scale = gamma.mul(tf.rsqrt(variance.add(this.epsilon)));
        return x.mul(scale).add(beta.sub(mean.mul(scale)));
      });
    }
    override getConfig() {
      return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
    }
  }

  return { NegInfPadding2D, SeededDropout, ChannelBatchNorm };
}
