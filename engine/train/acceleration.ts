/**
 * What training does differently per backend. On the CPU backends (wasm, cpu, tfjs-node) reading
 * a number is free, so each step is read before it is applied and batches are copied in from host
 * memory; on wasm, batch norm and the optimizers run as NetCanvas's own fused, threaded, in-place
 * kernels (./backends/wasm-native). On WebGPU every read waits for the GPU queue to drain and a step's cost is its launch
 * count, so: batch norm, dropout, Adam and SGD-with-momentum use NetCanvas's fused kernels, steps
 * are guarded on the device and read several at a time, the training set is uploaded once and
 * gathered on the GPU, and the step is recorded once and replayed: the WebGPU runtime, ./webgpu
 * (its map: ./webgpu/README.md), built by its one entry point `webgpuAcceleration`.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { CompileOptions } from '../compile/compile';
import type { TrainingConfig } from '../graph/training';
import { buildOptimizer } from './config';
import type { GpuFault } from './webgpu/device/faults';
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

export async function accelerationFor(tfjsBackend: string): Promise<Acceleration> {
  if (tfjsBackend === 'wasm') {
    const { wasmAcceleration } = await import('./backends/wasm-native/acceleration');
    const wasm = wasmAcceleration();
    if (wasm == null) return PLAIN;
    return {
      ...PLAIN,
      compile: { batchNormTraining: wasm.batchNormTraining },
      crossEntropy: wasm.crossEntropy,
      buildOptimizer: (_tf, config) => wasm.buildOptimizer(config),
    };
  }
  if (tfjsBackend !== 'webgpu') return PLAIN;
  // Loaded only here: the WebGPU runtime imports tfjs-backend-webgpu, which CPU runs never need.
  const { webgpuAcceleration } = await import('./webgpu');
  return webgpuAcceleration();
}
