/**
 * Registers the kernels that training NetCanvas graphs needs and tfjs-backend-wasm 4.22
 * lacks. Call before (or after) `tf.setBackend('wasm')`; registering twice is harmless.
 *
 * Fast kernels are built from kernels wasm already has (XNNPACK convolutions, transposes).
 * Every other kernel the `cpu` backend has and `wasm` lacks is delegated to `cpu`, so an op
 * nobody measured yet is slow rather than fatal; `bench/kernels/find-missing-kernels.ts`
 * lists what training actually hits.
 *
 * @example
 *   const { fast, delegated } = registerWasmTrainingKernels();
 *   await tf.setBackend('wasm');
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { delegateToCpu, kernelsMissingOnWasm } from './cpu-fallback';

/** Our own `wasm` implementations, in registration order. */
export const FAST_WASM_KERNELS: tf.KernelConfig[] = [conv2dBackpropFilterConfig];

export interface WasmKernelRegistration {
  /** Kernels implemented here with wasm kernels. */
  fast: string[];
  /** Kernels that run on the `cpu` backend when used on `wasm` (correct, slow). */
  delegated: string[];
}

let registered: WasmKernelRegistration | null = null;

export function registerWasmTrainingKernels(): WasmKernelRegistration {
  if (registered != null) return registered;
  const fast: string[] = [];
  for (const config of FAST_WASM_KERNELS) {
    // tfjs-backend-wasm may gain these one day; then its own (native) version wins.
    if (tf.getKernel(config.kernelName, 'wasm') != null) continue;
    tf.registerKernel(config);
    fast.push(config.kernelName);
  }
  const delegated = kernelsMissingOnWasm();
  for (const kernelName of delegated) {
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: delegateToCpu(kernelName) });
  }
  registered = { fast, delegated };
  return registered;
}
