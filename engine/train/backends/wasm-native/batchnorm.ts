/**
 * Training-mode batch normalisation on wasm in two native passes forward and two backward
 * (./c/batchnorm.c), with the moving statistics updated in place after the step's guard — the
 * compiler's `BatchNormTrainingOp` (engine/compile/customLayers.ts), as WebGPU's fused op is.
 * tfjs's own formulation (moments, then broadcast arithmetic, and its autodiff) takes ~25 kernels
 * a layer, among them transposes of the whole activation.
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchNormTrainingOp } from '../../../compile/customLayers';
import { deferUntilGuarded } from '../../../compile/guardedUpdates';
import { nativeFor, type Native } from './runtime';

export const BATCH_NORM_FORWARD = 'NcBatchNormForward';
export const BATCH_NORM_BACKWARD = 'NcBatchNormBackward';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

function scratchFor(native: Native, channels: number): number {
  return native.scratch(8 * 2 * native.threads * channels + 4 * 3 * channels);
}

/** {x, gamma, beta}, {epsilon} → [y, stats (3×C: mean, 1/√(var+ε), var)]. */
export const batchNormForwardConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_FORWARD,
  backendName: 'wasm',
  kernelFunc: (({ inputs, attrs, backend }: KernelArgs) => {
    const native = nativeFor(backend)!;
    const { x, gamma, beta } = inputs as Record<'x' | 'gamma' | 'beta', tf.TensorInfo>;
    const c = x.shape[x.shape.length - 1]!;
    const rows = tf.util.sizeFromShape(x.shape) / c;
    const y = native.backend.makeOutput(x.shape, 'float32');
    const stats = native.backend.makeOutput([3, c], 'float32');
    const scratch = scratchFor(native, c);
    const { epsilon } = attrs as { epsilon: number };
    native.exports.nc_batchnorm_forward(
      native.pool,
      native.ptr(x),
      native.ptr(y),
      native.ptr(gamma),
      native.ptr(beta),
      native.ptr(stats),
      rows,
      c,
      epsilon,
      scratch,
    );
    return [y, stats];
  }) as unknown as tf.KernelFunc,
};

/** {dy, x, stats, gamma} → [dx, dγ, dβ]. */
export const batchNormBackwardConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_BACKWARD,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend }: KernelArgs) => {
    const native = nativeFor(backend)!;
    const { dy, x, stats, gamma } = inputs as Record<'dy' | 'x' | 'stats' | 'gamma', tf.TensorInfo>;
    const c = x.shape[x.shape.length - 1]!;
    const rows = tf.util.sizeFromShape(x.shape) / c;
    const dx = native.backend.makeOutput(x.shape, 'float32');
    const dgamma = native.backend.makeOutput([c], 'float32');
    const dbeta = native.backend.makeOutput([c], 'float32');
    native.exports.nc_batchnorm_backward(
      native.pool,
      native.ptr(dy),
      native.ptr(x),
      native.ptr(stats),
      native.ptr(gamma),
      native.ptr(dx),
      native.ptr(dgamma),
      native.ptr(dbeta),
      rows,
      c,
      scratchFor(native, c),
    );
    return [dx, dgamma, dbeta];
  }) as unknown as tf.KernelFunc,
};

/** y with this batch's statistics, differentiable in x, γ and β, and the statistics (off the tape; kept: the caller disposes them). */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): { y: tf.Tensor; stats: tf.Tensor2D } {
  let stats: tf.Tensor2D | null = null;
  const forward = (xIn: tf.Tensor, gammaIn: tf.Tensor, betaIn: tf.Tensor, save: tf.GradSaveFunc) => {
    const [y, s] = tf.engine().runKernel(BATCH_NORM_FORWARD, { x: xIn, gamma: gammaIn, beta: betaIn }, { epsilon }) as tf.Tensor[];
    // Kept: the forward runs in a scope of its own, and `save` keeps clones only.
    stats = tf.keep(s as tf.Tensor2D);
    save([xIn, s!, gammaIn]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xSaved, statsSaved, gammaSaved] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return tf.engine().runKernel(BATCH_NORM_BACKWARD, { dy, x: xSaved, stats: statsSaved, gamma: gammaSaved }) as tf.Tensor[];
      },
    };
  };
  const op = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = (op as (...t: tf.Tensor[]) => tf.Tensor)(x, gamma, beta);
  return { y, stats: stats! };
}

/**
 * The compiler's `BatchNormTrainingOp` on wasm: null for the moving statistics, which it updates
 * itself, in place, once the step's guard allows (a variable sharing its buffer gets a copy first).
 */
export const wasmBatchNormTraining: BatchNormTrainingOp = (x, gamma, beta, movingMean, movingVariance, momentum, epsilon) => {
  const { y, stats } = batchNormTraining(x, gamma, beta, epsilon);
  deferUntilGuarded({
    apply: (ok) => {
      // The host guard passes null (a refused step is discarded, not applied with a flag).
      if (ok != null) throw new Error('wasm batch norm: a device-side guard is not supported');
      updateMoving(movingMean as tf.Variable, movingVariance as tf.Variable, stats, momentum);
    },
    discard: () => stats.dispose(),
  });
  return { y, movingMean: null, movingVariance: null };
};

/** A variable's buffer, made its own first if it shares it (then writing in place is safe). */
export function ownBuffer(native: Native, v: tf.Variable): number {
  if (!native.owns(v)) {
    const copy = tf.tidy(() => tf.add(v, 0));
    v.assign(copy);
    copy.dispose();
  }
  return native.ptr(v);
}

function updateMoving(movingMean: tf.Variable, movingVariance: tf.Variable, stats: tf.Tensor2D, momentum: number): void {
  const native = nativeFor(tf.backend())!;
  const c = stats.shape[1];
  native.exports.nc_batchnorm_moving(ownBuffer(native, movingMean), ownBuffer(native, movingVariance), native.ptr(stats), c, momentum);
  native.written(movingMean);
  native.written(movingVariance);
  stats.dispose();
}
