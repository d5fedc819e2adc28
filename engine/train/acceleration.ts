/**
 * What training does differently per backend. On the CPU backends (wasm, cpu, tfjs-node) reading
 * a number is free, so each step is read before it is applied and batches are copied in from host
 * memory. On WebGPU every read waits for the GPU queue to drain and a step's cost is its launch
 * count, so: batch norm, dropout, Adam and SGD-with-momentum use NetCanvas's fused kernels, steps
 * are guarded on the device and read several at a time, the training set is uploaded once and
 * gathered on the GPU, and the step is recorded once and replayed (./webgpu/replay-step).
 */
import type * as tfType from '@tensorflow/tfjs';
import type { CompileOptions } from '../compile/compile';
import { unreachable, type TrainingConfig } from '../graph/training';
import { buildOptimizer } from './config';
import type { GpuFault } from './webgpu/faults';
import type { CrossEntropy, StepGuard, TrainStep } from './step';

type Tf = typeof tfType;

export interface Acceleration {
  readonly compile: Pick<CompileOptions, 'batchNormTraining' | 'dropoutTraining'>;
  buildOptimizer(tf: Tf, config: TrainingConfig): tfType.Optimizer;
  readonly guard: StepGuard;
  /** The loss's data term, where the backend has its own (makeTrainStep's default otherwise). */
  readonly crossEntropy?: CrossEntropy;
  /** Steps queued before their statistics are read (with the `host` guard, always 1). */
  readonly readEvery: number;
  /** Upload the training split once and gather batches on the backend. */
  readonly dataOnDevice: boolean;
  /** The largest buffer the device holds and binds (a split over it stays on the host). */
  readonly deviceBufferBytes: number;
  /** The step as this backend runs it (WebGPU records it once and replays it); dispose it after training. */
  wrapStep(step: TrainStep, optimizer: tfType.Optimizer): TrainStep;
  /**
   * The first fault the device reported since this acceleration was made (a GPU out of memory,
   * lost…), or null. After one, every number the backend gives is suspect: the trainer stops.
   */
  deviceFault(): GpuFault | null;
  /** After a fault, once the run's tensors are disposed: the next run gets a new device. */
  retireDevice(): void;
}

const PLAIN: Acceleration = {
  compile: {},
  buildOptimizer,
  guard: 'host',
  readEvery: 1,
  dataOnDevice: false,
  deviceBufferBytes: 0,
  wrapStep: (step) => step,
  deviceFault: () => null,
  retireDevice() {},
};

/** Enough steps per read that the GPU queue stays full; few enough that curves stay live. */
const WEBGPU_READ_EVERY = 8;

export async function accelerationFor(tfjsBackend: string): Promise<Acceleration> {
  if (tfjsBackend !== 'webgpu') return PLAIN;
  // Loaded only here: the WebGPU modules import tfjs-backend-webgpu, which CPU runs never need.
  const [
    { fusedBatchNormTraining },
    { dropoutTraining },
    { FusedMomentumOptimizer },
    { FusedAdamOptimizer },
    { replayingStep },
    { fusedCrossEntropy },
    { watchFaults },
    { retireWebGPUBackend, deviceBufferBytes },
  ] = await Promise.all([
    import('./webgpu/batchnorm'),
    import('./webgpu/dropout'),
    import('./webgpu/momentum'),
    import('./webgpu/adam'),
    import('./webgpu/replay-step'),
    import('./webgpu/cross-entropy'),
    import('./webgpu/faults'),
    import('./webgpu/register'),
  ]);
  const faults = watchFaults();
  // An escape hatch, and what the GPU bench compares against.
  const replay = process.env.NETCANVAS_WEBGPU_REPLAY !== '0';
  return {
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
    readEvery: WEBGPU_READ_EVERY,
    dataOnDevice: true,
    deviceBufferBytes: deviceBufferBytes(),
    wrapStep: (step, optimizer) => (replay ? replayingStep(step, optimizer) : step),
    deviceFault: faults.fault,
    retireDevice: retireWebGPUBackend,
  };
}
