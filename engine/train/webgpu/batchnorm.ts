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
import { deferUntilGuarded } from '../../compile/guardedUpdates';
import { selectIfOk, withGuard, withOptionalFlag } from './fused-optimizer';
import { runInPlace } from './inplace';
import { ElementwiseProgram, f32, i32, runToTensor } from './program';

/** Both moving statistics in one launch, in place: stats rows are mean, 1/√(var+ε), variance. */
const MOVING_IN_PLACE = withGuard({
  key: 'ncBatchNormMovingInPlace',
  writable: ['movingMean', 'movingVariance'],
  readable: ['stats'],
  uniforms: ['momentum'],
  body: `let mean = movingMean[i] * uniforms.momentum + stats[i] * (1.0 - uniforms.momentum);
    let variance = movingVariance[i] * uniforms.momentum + stats[2 * uniforms.size + i] * (1.0 - uniforms.momentum);
    if (finite(mean) && finite(variance)) { movingMean[i] = mean; movingVariance[i] = variance; }`,
});

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
 * moving·momentum + batch·(1 − momentum) for the mean (which 0) or the biased variance (which 2);
 * where `ok` is given, the moving value itself unless it is 1.
 */
export function movingAverage(
  moving: tf.Tensor1D,
  stats: tf.Tensor2D,
  which: 0 | 2,
  momentum: number,
  ok: tf.Tensor | null = null,
): tf.Tensor1D {
  const channels = moving.shape[0];
  const average = 'moving[index] * uniforms.momentum + stats[uniforms.which * uniforms.channels + index] * (1.0 - uniforms.momentum)';
  const program = new ElementwiseProgram(
    [channels],
    ['moving', 'stats', ...(ok ? ['ok'] : [])],
    `ncBatchNormMovingAverage${ok ? 'If' : ''}`,
    selectIfOk('moving[index]', average, ok != null),
    'channels : i32, which : i32, momentum : f32,',
  );
  return runToTensor<tf.Rank.R1>(program, [moving, stats, ...(ok ? [ok] : [])], [i32(channels), i32(which), f32(momentum)]);
}

/**
 * The compiler's `BatchNormTrainingOp` on WebGPU: the fused forward/backward, and the moving
 * statistics updated on the GPU with no host round trip, after the step's guard
 * (engine/compile/guardedUpdates.ts): in place in one launch where the variables own their
 * buffers, else as two new tensors assigned to them. Null is returned for the moving statistics:
 * the op writes them itself.
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

function updateMovingStatistics(
  movingMean: tf.Variable,
  movingVariance: tf.Variable,
  stats: tf.Tensor2D,
  momentum: number,
  ok: tf.Tensor | null,
): void {
  withOptionalFlag(ok, (flag) => {
    const extra = flag ? [flag] : [];
    if (runInPlace(MOVING_IN_PLACE[flag ? 'guarded' : 'plain'], [movingMean, movingVariance], [stats, ...extra], [momentum])) return;
    const mean = movingAverage(movingMean as tf.Tensor as tf.Tensor1D, stats, 0, momentum, flag);
    const variance = movingAverage(movingVariance as tf.Tensor as tf.Tensor1D, stats, 2, momentum, flag);
    movingMean.assign(mean);
    movingVariance.assign(variance);
    tf.dispose([mean, variance]);
  });
  stats.dispose();
}
