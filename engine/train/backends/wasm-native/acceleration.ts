/**
 * What the trainer does differently on wasm once our kernels are bound: batch norm and the
 * optimizers run fused and in place (./batchnorm, ./optimizers); everything else is the plain CPU
 * path. Null where the kernels are not bound (NETCANVAS_WASM_NATIVE=0, or a tfjs build without
 * an importable memory): the trainer then uses tfjs's ops.
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchNormTrainingOp } from '../../../compile/customLayers';
import type { CrossEntropy } from '../../step';
import { wasmCrossEntropy } from './cross-entropy';
import { wasmBatchNormTraining } from './batchnorm';
import { buildWasmOptimizer, type OptimizerConfig } from './optimizers';
import { nativeFor } from './runtime';

export interface WasmAcceleration {
  readonly batchNormTraining: BatchNormTrainingOp;
  readonly crossEntropy: CrossEntropy;
  buildOptimizer(config: OptimizerConfig): tf.Optimizer;
}

export function wasmAcceleration(): WasmAcceleration | null {
  if (tf.getBackend() !== 'wasm' || nativeFor(tf.backend()) == null) return null;
  return { batchNormTraining: wasmBatchNormTraining, crossEntropy: wasmCrossEntropy, buildOptimizer: buildWasmOptimizer };
}
