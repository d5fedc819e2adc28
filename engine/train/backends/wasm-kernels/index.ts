/**
 * Registers the `wasm` kernels that training NetCanvas graphs needs and tfjs-backend-wasm
 * 4.22 lacks or gets wrong. Call before (or after) `tf.setBackend('wasm')`; calling it
 * twice is harmless.
 *
 * - ADDED: kernels wasm does not have, built from kernels it does (XNNPACK conv, transposes).
 * - REPLACED: stock wasm kernels that are wrong (differ from `cpu`) or needlessly slow.
 * - Every other kernel the `cpu` backend has and `wasm` lacks is delegated to `cpu`, so an
 *   op nobody measured yet is slow rather than fatal. `bench/kernels/find-missing-kernels.ts`
 *   lists what training actually hits.
 *
 * @example
 *   const { added, replaced, delegated } = registerWasmTrainingKernels();
 *   await tf.setBackend('wasm');
 */
import * as tf from '@tensorflow/tfjs';
// Registers the stock wasm kernels first: the replacements wrap them, and a stock kernel
// registered after ours would be refused as a duplicate.
import '@tensorflow/tfjs-backend-wasm';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { ownConvConfig } from './conv2d-forward';
import { delegateToCpu, kernelsMissingOnWasm } from './cpu-fallback';
import { untransposedMatMul } from './matmul-transposes';
import { identityConfig } from './identity';
import { maxPoolGradConfig } from './max-pool-grad';
import { reluGradConfig, registerNativeGradients } from '../wasm-native/gradients';
import { broadcastMiddleConfig, middleReduction } from '../wasm-native/reductions';
import { batchNormBackwardConfig, batchNormForwardConfig } from '../wasm-native/batchnorm';
import { crossEntropyConfig, crossEntropyGradConfig } from '../wasm-native/cross-entropy';
import { addConfig, reluConfig } from '../wasm-native/elementwise';

/** Kernels tfjs-backend-wasm 4.22 does not register. */
export const ADDED_WASM_KERNELS: tf.KernelConfig[] = [conv2dBackpropFilterConfig];

/** Kernels of our own that our gradients launch (../wasm-native): only run once it is bound. */
const NATIVE_ONLY_KERNELS: tf.KernelConfig[] = [
  reluGradConfig,
  broadcastMiddleConfig,
  batchNormForwardConfig,
  batchNormBackwardConfig,
  crossEntropyConfig,
  crossEntropyGradConfig,
];

/**
 * Stock wasm kernels we replace, each given the stock config (to fall back on for cases it
 * does not cover): MaxPoolGrad disagrees with `cpu`; the others are needlessly slow in
 * training (see each file for the measurements).
 */
export const REPLACED_WASM_KERNELS: Record<string, (stock: tf.KernelConfig | undefined) => tf.KernelConfig> = {
  [tf.MaxPoolGrad]: () => maxPoolGradConfig,
  [tf.Identity]: () => identityConfig,
  [tf.Conv2DBackpropInput]: conv2dBackpropInputConfig,
  [tf.Conv2D]: (stock) => ownConvConfig(tf.Conv2D, required(stock, tf.Conv2D)),
  [tf.FusedConv2D]: (stock) => ownConvConfig(tf.FusedConv2D, required(stock, tf.FusedConv2D)),
  [tf.BatchMatMul]: (stock) => untransposedMatMul(tf.BatchMatMul, required(stock, tf.BatchMatMul)),
  [tf._FusedMatMul]: (stock) => untransposedMatMul(tf._FusedMatMul, required(stock, tf._FusedMatMul)),
  [tf.Add]: (stock) => addConfig(required(stock, tf.Add)),
  [tf.Relu]: (stock) => reluConfig(required(stock, tf.Relu)),
  [tf.Sum]: (stock) => middleReduction(tf.Sum, required(stock, tf.Sum)),
  [tf.Mean]: (stock) => middleReduction(tf.Mean, required(stock, tf.Mean)),
};

function required(stock: tf.KernelConfig | undefined, name: string): tf.KernelConfig {
  if (stock == null) throw new Error(`tfjs-backend-wasm has no '${name}' kernel to wrap`);
  return stock;
}

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
  for (const [kernelName, make] of Object.entries(REPLACED_WASM_KERNELS)) {
    const stock = tf.getKernel(kernelName, 'wasm');
    const config = make(stock);
    if (stock != null) tf.unregisterKernel(kernelName, 'wasm');
    // The stock kernel's setup (binding its C++ entry point) runs at backend init only for
    // registered kernels; ours may call the stock kernel, so it inherits that setup.
    tf.registerKernel({ ...config, setupFunc: config.setupFunc ?? stock?.setupFunc });
    replaced.push(kernelName);
  }
  for (const config of NATIVE_ONLY_KERNELS) tf.registerKernel(config);
  registerNativeGradients();
  const delegated = kernelsMissingOnWasm();
  for (const kernelName of delegated) {
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: delegateToCpu(kernelName) });
  }
  registered = { added, replaced, delegated };
  return registered;
}
