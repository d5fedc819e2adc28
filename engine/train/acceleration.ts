/**
 * What training does differently per backend. On the CPU backends (wasm, cpu, tfjs-node) reading
 * a number is free, so each step is read before it is applied and batches are copied in from host
 * memory. On WebGPU every read waits for the GPU queue to drain and a step's cost is its launch
 * count, so: batch norm, Adam and SGD-with-momentum use NetCanvas's fused kernels, steps are guarded on
 * the device and read several at a time, and the training set is uploaded once and gathered on
 * the GPU.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { CompileOptions } from '../compile/compile';
import type { TrainingConfig } from '../graph/training';
import { buildOptimizer } from './config';
import type { StepGuard } from './step';

type Tf = typeof tfType;

export interface Acceleration {
  readonly compile: Pick<CompileOptions, 'batchNormTraining'>;
  buildOptimizer(tf: Tf, config: TrainingConfig): tfType.Optimizer;
  readonly guard: StepGuard;
  /** Steps queued before their statistics are read (with the `host` guard, always 1). */
  readonly readEvery: number;
  /** Upload the training split once and gather batches on the backend. */
  readonly dataOnDevice: boolean;
}

const PLAIN: Acceleration = { compile: {}, buildOptimizer, guard: 'host', readEvery: 1, dataOnDevice: false };

/** Enough steps per read that the GPU queue stays full; few enough that curves stay live. */
const WEBGPU_READ_EVERY = 8;

export async function accelerationFor(tfjsBackend: string): Promise<Acceleration> {
  if (tfjsBackend !== 'webgpu') return PLAIN;
  // Loaded only here: the WebGPU modules import tfjs-backend-webgpu, which CPU runs never need.
  const [{ fusedBatchNormTraining }, { FusedMomentumOptimizer }, { FusedAdamOptimizer }] = await Promise.all([
    import('./webgpu/batchnorm'),
    import('./webgpu/momentum'),
    import('./webgpu/adam'),
  ]);
  return {
    compile: { batchNormTraining: fusedBatchNormTraining },
    buildOptimizer(tf, config) {
      // The same defaults as `buildOptimizer`'s tf.train.adam(lr): β1 0.9, β2 0.999, the backend's ε.
      if (config.optimizer === 'adam') return new FusedAdamOptimizer(config.learningRate, 0.9, 0.999);
      if (config.optimizer === 'sgd' && config.momentum > 0 && !config.nesterov) return new FusedMomentumOptimizer(config.learningRate, config.momentum);
      return buildOptimizer(tf, config);
    },
    guard: 'device',
    readEvery: WEBGPU_READ_EVERY,
    dataOnDevice: true,
  };
}
