/**
 * Puts NetCanvas's WebGPU kernels over tfjs-webgpu's, with the gradients, uploads and submit
 * batching that cut a step's host work (and can put the stock ones back, for benchmarks). The
 * stock kernel stays the fallback for cases ours does not cover (NCHW).
 */
import * as tf from '@tensorflow/tfjs';
import { makeConv2DBackpropFilterKernel } from './conv2d-backprop-filter';
import { makeConv2DBackpropInputKernel } from './conv2d-backprop-input';
import { registerDeviceGradients, restoreStockGradients } from './gradients';
import { makeMiddleReduceKernel } from './middle-reduce';
import { useQueueUploads } from '../device/upload';

const REPLACEMENTS: Record<string, (fallback: tf.KernelFunc | undefined) => tf.KernelFunc> = {
  [tf.Conv2DBackpropFilter]: makeConv2DBackpropFilterKernel,
  [tf.Conv2DBackpropInput]: makeConv2DBackpropInputKernel,
  [tf.Sum]: makeMiddleReduceKernel('sum'),
  [tf.Mean]: makeMiddleReduceKernel('mean'),
};

const stock = new Map<string, tf.KernelConfig | undefined>();

/**
 * Dispatches per queue submit. A submit costs ~0.4 ms of host time plus a little per dispatch on
 * Dawn's Node binding; too many per submit leaves the GPU idle while the host encodes. LeNet-5 at
 * batch 64 on an H100: 11.6 ms a step at 15 (tfjs's default), 8.4 at 64, 11.0 at 256, 11.4 at 1000.
 */
const SUBMIT_EVERY = 64;
const STOCK_SUBMIT_EVERY = 15;

function swap(kernelName: string, kernelFunc: tf.KernelFunc | undefined): void {
  if (tf.getKernel(kernelName, 'webgpu') != null) tf.unregisterKernel(kernelName, 'webgpu');
  if (kernelFunc != null) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc });
}

/**
 * Idempotent. Also puts in the gradients that keep their broadcast on the device (./gradients)
 * and, on the registered backend, uploads through the queue (../device/upload) and fewer, larger submits.
 */
export function registerFastKernels(): void {
  registerDeviceGradients();
  const backend = tf.findBackend('webgpu');
  if (backend != null) useQueueUploads(backend, true);
  // Reads still submit at once, so nothing waits longer for a result.
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', SUBMIT_EVERY);
  for (const [name, make] of Object.entries(REPLACEMENTS)) {
    if (stock.has(name)) continue;
    const original = tf.getKernel(name, 'webgpu');
    stock.set(name, original);
    swap(name, make(original?.kernelFunc));
  }
}

/** Puts tfjs-webgpu's own kernels and tfjs-core's gradients back (to measure what ours gain). */
export function restoreStockKernels(): void {
  for (const [name, original] of stock) swap(name, original?.kernelFunc);
  stock.clear();
  restoreStockGradients();
  const backend = tf.findBackend('webgpu');
  if (backend != null) useQueueUploads(backend, false);
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', STOCK_SUBMIT_EVERY);
}
