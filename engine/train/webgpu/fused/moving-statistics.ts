/**
 * Batch norm's running mean and variance, both updated in one launch, in place (./inplace), from
 * the fused forward pass's per-channel statistics (../kernels/batchnorm): where tfjs-layers takes
 * four launches and two new buffers. As the optimizers' updates, an element whose new values would
 * overflow keeps its old ones, and under the trainer's device guard nothing moves unless the step
 * was finite.
 */
import * as tf from '@tensorflow/tfjs';
import { updateInPlace } from './inplace';
import { withGuard, withOptionalFlag } from './optimizer-common';

/** moving ← momentum·moving + (1 − momentum)·batch; the stats rows are mean, 1/√(var+ε), variance. */
const MOVING_IN_PLACE = withGuard({
  key: 'ncBatchNormMovingInPlace',
  writable: ['movingMean', 'movingVariance'],
  readable: ['stats'],
  uniforms: ['momentum'],
  body: `let mean = movingMean[i] * uniforms.momentum + stats[i] * (1.0 - uniforms.momentum);
    let variance = movingVariance[i] * uniforms.momentum + stats[2 * uniforms.size + i] * (1.0 - uniforms.momentum);
    if (finite(mean) && finite(variance)) { movingMean[i] = mean; movingVariance[i] = variance; }`,
});

/** Updates both statistics from `stats` ([3, C]) and disposes it; `ok` is the trainer's guard, or null. */
export function updateMovingStatistics(
  movingMean: tf.Variable,
  movingVariance: tf.Variable,
  stats: tf.Tensor2D,
  momentum: number,
  ok: tf.Tensor | null,
): void {
  withOptionalFlag(ok, (flag) =>
    updateInPlace(MOVING_IN_PLACE[flag ? 'guarded' : 'plain'], [movingMean, movingVariance], [stats, ...(flag ? [flag] : [])], [momentum]),
  );
  stats.dispose();
}
