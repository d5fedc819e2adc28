/**
 * Fused training-mode batch normalisation for WebGPU: 3 launches forward (column sums, finalize,
 * normalize), 4 backward (column sums, dβ, dγ, dx) and 1 for the moving statistics (in place; 2
 * when their buffers are shared) — all on the GPU, no host round trip. tfjs-layers'
 * BatchNormalization builds the same thing from ~25 small ops plus their autodiff, which costs
 * far more in launches than in arithmetic.
 *
 * @example
 *   const { y, stats } = batchNormTraining(x, gamma, beta, 1e-3); // stats: [3, C] mean, invStd, var
 */
import * as tf from '@tensorflow/tfjs';
import {
  ColumnSumsProgram,
  GradientFinalizeProgram,
  InputGradientProgram,
  NormalizeProgram,
  StatisticsFinalizeProgram,
} from './batchnorm-programs';
import { columnChunks } from './reductions';
import { deferUntilGuarded } from '../../../compile/guardedUpdates';
import { updateMovingStatistics } from '../fused/moving-statistics';
import { ElementwiseProgram, f32, i32, runToTensor } from '../device/program';

/** Per-channel batch statistics of x (channels last) → [3, C]: mean, 1/√(var+ε), biased variance. */
export function batchStatistics(x: tf.Tensor, epsilon: number): tf.Tensor2D {
  const channels = x.shape[x.rank - 1]!;
  const rows = x.size / channels;
  const { splits, chunk } = columnChunks(rows, channels);
  const partial = runToTensor(new ColumnSumsProgram('statistics', channels, splits), [x], [i32(rows), i32(channels), i32(chunk)]);
  const stats = runToTensor<tf.Rank.R2>(
    new StatisticsFinalizeProgram(channels),
    [partial],
    [i32(splits), i32(channels), f32(rows), f32(epsilon)],
  );
  partial.dispose();
  return stats;
}

function normalizeGradients(dy: tf.Tensor, x: tf.Tensor, stats: tf.Tensor, gamma: tf.Tensor): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const channels = x.shape[x.rank - 1]!;
  const rows = x.size / channels;
  const { splits, chunk } = columnChunks(rows, channels);
  const partial = runToTensor(new ColumnSumsProgram('gradient', channels, splits), [dy, x, stats], [i32(rows), i32(channels), i32(chunk)]);
  const dbeta = runToTensor(new GradientFinalizeProgram(channels), [partial], [i32(splits), i32(channels), i32(0)]);
  const dgamma = runToTensor(new GradientFinalizeProgram(channels), [partial], [i32(splits), i32(channels), i32(1)]);
  partial.dispose();
  const dx = runToTensor(new InputGradientProgram(x.shape), [dy, x, stats, gamma, dbeta, dgamma], [i32(channels), f32(rows)]);
  return [dx, dgamma, dbeta];
}

/**
 * y = γ·(x − mean)/√(var+ε) + β with this batch's statistics, differentiable in x, γ and β.
 * Must run on the `webgpu` backend; x is channels-last of any rank ≥ 2.
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): { y: tf.Tensor; stats: tf.Tensor2D } {
  // Computed off the tape and closed over rather than passed in: an input of the custom op would
  // need a gradient of its own (a ZerosLike launch per layer per step), though dx below already
  // accounts for how the statistics depend on x.
  const stats = batchStatistics(x, epsilon);
  const forward = (xIn: tf.Tensor, gammaIn: tf.Tensor, betaIn: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = runToTensor(new NormalizeProgram(xIn.shape), [xIn, stats, gammaIn, betaIn], [i32(xIn.shape[xIn.rank - 1]!)]);
    save([xIn, stats, gammaIn]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xSaved, statsSaved, gammaSaved] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return normalizeGradients(dy, xSaved, statsSaved, gammaSaved);
      },
    };
  };
  const op = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = (op as (...t: tf.Tensor[]) => tf.Tensor)(x, gamma, beta);
  return { y, stats };
}

/**
 * The compiler's `BatchNormTrainingOp` on WebGPU: the fused forward/backward, and the moving
 * statistics updated on the GPU with no host round trip, in place in one launch
 * (../fused/moving-statistics), after the step's guard (engine/compile/guardedUpdates.ts). Null is
 * returned for the moving statistics: the op writes them itself.
 */
export function fusedBatchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  movingMean: tf.Tensor,
  movingVariance: tf.Tensor,
  momentum: number,
  epsilon: number,
): { y: tf.Tensor; movingMean: null; movingVariance: null } {
  const { y, stats } = batchNormTraining(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, epsilon);
  tf.keep(stats); // it outlives the forward pass's scope until the guard is known
  deferUntilGuarded({
    apply: (ok) => updateMovingStatistics(movingMean as tf.Variable, movingVariance as tf.Variable, stats, momentum, ok),
    discard: () => stats.dispose(),
  });
  return { y, movingMean: null, movingVariance: null };
}
