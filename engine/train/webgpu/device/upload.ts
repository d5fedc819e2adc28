/**
 * Host → GPU uploads through `queue.writeBuffer` instead of tfjs-webgpu's mapped staging buffer.
 * tfjs-webgpu creates (and later destroys) a fresh staging buffer for every tensor that starts on
 * the host — every scalar an op makes from a number, every label batch — and creating a buffer
 * costs ~0.3 ms on Dawn's Node binding (measured on an H100 under Vulkan), against ~7 µs for a
 * queue write. A training step makes several such tensors.
 *
 * Safe to order this way: writeBuffer runs on the queue before the commands still being encoded,
 * and the destination comes from tfjs's free pool, which holds no buffer those commands use
 * (tfjs defers releasing a tensor's buffer until its commands are submitted).
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackendInternals as BackendInternals, TensorData } from './internals';

const patched = new WeakMap<object, (dataId: object) => void>();

/** The values as the 32-bit words tfjs-webgpu stores (bool as int32, as its own upload does). */
function words(data: TensorData): Float32Array | Int32Array {
  const values = data.values!;
  if (data.dtype === 'float32') return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
}

/** Idempotent; `false` puts tfjs-webgpu's own upload back. */
export function useQueueUploads(backend: object, on: boolean): void {
  const b = backend as BackendInternals;
  const stock = patched.get(backend);
  if (!on) {
    if (stock) b.uploadToGPU = stock;
    patched.delete(backend);
    return;
  }
  if (stock) return;
  const original = b.uploadToGPU;
  patched.set(backend, original);
  b.uploadToGPU = function (this: BackendInternals, dataId: object) {
    const data = this.tensorMap.get(dataId);
    if (data == null || data.values == null || data.resource != null || !['float32', 'int32', 'bool'].includes(data.dtype))
      return original.call(this, dataId);
    const array = words(data);
    const buffer = this.bufferManager.acquireBuffer(
      array.byteLength,
      GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    );
    if (array.byteLength > 0) this.queue.writeBuffer(buffer, 0, array.buffer, array.byteOffset, array.byteLength);
    data.values = null; // as tfjs: once on the GPU, the host copy is dropped
    data.resource = buffer;
  };
}
