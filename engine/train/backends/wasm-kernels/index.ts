/**
 * Registers the `wasm` kernels that training NetCanvas graphs needs and tfjs-backend-wasm
 * 4.22 lacks or gets wrong. Call before (or after) `tf.setBackend('wasm')`; calling it
 * twice is harmless.
 *
 * - ADDED: kernels wasm does not have, built from kernels it does (XNNPACK conv, transposes).
 * - REPLACED: stock wasm kernels whose results differ from the `cpu` backend.
 * - Every other kernel the `cpu` backend has and `wasm` lacks is delegated to `cpu`, so an
 *   op nobody measured yet is slow rather than fatal. `bench/kernels/find-missing-kernels.ts`
 *   lists what training actually hits.
 *
 * @example
 *   const { added, replaced, delegated } = registerWasmTrainingKernels();
 *   await tf.setBackend('wasm');
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { delegateToCpu, kernelsMissingOnWasm } from './cpu-fallback';
import { maxPoolGradConfig } from './max-pool-grad';

/** Kernels tfjs-backend-wasm 4.22 does not register. */
export const ADDED_WASM_KERNELS: tf.KernelConfig[] = [conv2dBackpropFilterConfig];
/** Stock wasm kernels that disagree with `cpu` (see each file for the case). */
export const REPLACED_WASM_KERNELS: tf.KernelConfig[] = [maxPoolGradConfig];

export interface WasmKernelRegistration {
  added: string[];
  replaced: string[];
  /** Kernels that run on the `cpu` backend when used on `wasm` (correct, slow). */
  delegated: string[];
}

let registered: WasmKernelRegistration | null = null;

export function registerWasmTrainingKernels(): WasmKernelRegistration {
  if (registered != null) return registered;
  const added: string[] = [];
  for (const config of ADDED_WASM_KERNELS) {
    // If a later tfjs-backend-wasm ships its own (native) version, that one wins.
    if (tf.getKernel(config.kernelName, 'wasm') != null) continue;
    tf.registerKernel(config);
    added.push(config.kernelName);
  }
  const replaced: string[] = [];
  for (const config of REPLACED_WASM_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') != null) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
    replaced.push(config.kernelName);
  }
  const delegated = kernelsMissingOnWasm();
  for (const kernelName of delegated) {
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: delegateToCpu(kernelName) });
  }
  registered = { added, replaced, delegated };
  return registered;
}
