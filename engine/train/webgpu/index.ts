/**
 * The WebGPU training runtime's one entry point: what the trainer's acceleration seam
 * (../acceleration.ts) loads, and only when the backend is WebGPU. Each plug-in point of the
 * runtime is wired here or in ./kernels (registration); README.md is the map of this folder.
 *
 * @example
 *   const acceleration = webgpuAcceleration(); // after registerWebGPUBackend() and tf.setBackend('webgpu')
 */
import { unreachable } from '../../graph/training';
import type { Acceleration } from '../acceleration';
import { watchFaults } from './device/faults';
import { deviceBufferBytes, retireWebGPUBackend } from './device/register';
import { FusedAdamOptimizer } from './fused/adam';
import { FusedMomentumOptimizer } from './fused/momentum';
import { fusedBatchNormTraining } from './kernels/batchnorm';
import { fusedCrossEntropy } from './kernels/cross-entropy';
import { dropoutTraining } from './kernels/dropout';
import { replayingStep } from './replay/replay-step';

/** Enough steps per read that the GPU queue stays full; few enough that curves stay live. */
const READ_EVERY = 8;

export function webgpuAcceleration(): Acceleration {
  const faults = watchFaults();
  // An escape hatch, and what the GPU bench compares against.
  const replay = process.env.NETCANVAS_WEBGPU_REPLAY !== '0';
  return {
    // Training-mode layers the compiler builds with these instead of tfjs ops.
    compile: { batchNormTraining: fusedBatchNormTraining, dropoutTraining },
    buildOptimizer(_tf, config) {
      switch (config.optimizer) {
        case 'adam':
          return new FusedAdamOptimizer(config.learningRate, config.adamBeta1, config.adamBeta2, config.adamEpsilon);
        case 'sgd':
          // Plain SGD too (momentum 0: a = g, w ← w − lr·g to the bit), for its in-place update.
          return new FusedMomentumOptimizer(config.learningRate, config.momentum, config.nesterov && config.momentum > 0);
        default:
          return unreachable(config.optimizer, 'optimizer');
      }
    },
    guard: 'device',
    crossEntropy: fusedCrossEntropy,
    readEvery: READ_EVERY,
    dataOnDevice: true,
    deviceBufferBytes: deviceBufferBytes(),
    wrapStep: (step, optimizer) => (replay ? replayingStep(step, optimizer) : step),
    deviceFault: faults.fault,
    retireDevice: retireWebGPUBackend,
  };
}
