/**
 * Puts NetCanvas's WebGPU kernels over tfjs-webgpu's (and can put the stock ones back, for
 * benchmarks). The stock kernel stays the fallback for cases ours does not cover (NCHW).
 */
import * as tf from '@tensorflow/tfjs';
import { makeConv2DBackpropFilterKernel } from './conv2d-backprop-filter';

const REPLACEMENTS: Record<string, (fallback: tf.KernelFunc | undefined) => tf.KernelFunc> = {
  [tf.Conv2DBackpropFilter]: makeConv2DBackpropFilterKernel,
};

const stock = new Map<string, tf.KernelConfig | undefined>();

function swap(kernelName: string, kernelFunc: tf.KernelFunc | undefined): void {
  if (tf.getKernel(kernelName, 'webgpu') != null) tf.unregisterKernel(kernelName, 'webgpu');
  if (kernelFunc != null) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc });
}

/** Idempotent. */
export function registerFastKernels(): void {
  for (const [name, make] of Object.entries(REPLACEMENTS)) {
    if (stock.has(name)) continue;
    const original = tf.getKernel(name, 'webgpu');
    stock.set(name, original);
    swap(name, make(original?.kernelFunc));
  }
}

/** Puts tfjs-webgpu's own kernels back (to measure what ours gain). */
export function restoreStockKernels(): void {
  for (const [name, original] of stock) swap(name, original?.kernelFunc);
  stock.clear();
}
