/**
 * Calls other `wasm` kernels directly from inside one of our kernels.
 *
 * Going through `backend` rather than `tf.*` ops skips the engine's bookkeeping (tensor
 * tracking, tape, profiling scopes) for intermediates that never escape the kernel; the
 * caller frees them with `free`.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type WasmBackend = BackendWasm;

/** Runs the registered `wasm` kernel `name` and returns its single output. */
export function runWasm(backend: WasmBackend, name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel == null) throw new Error(`wasm kernel '${name}' is not registered`);
  const out = kernel.kernelFunc({ inputs, attrs, backend });
  return Array.isArray(out) ? out[0]! : out;
}

/** Transposes `x` by `perm` into a new tensor (the caller frees it). */
export function transpose(backend: WasmBackend, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return runWasm(backend, tf.Transpose, { x }, { perm });
}

/**
 * Releases one reference per kernel output in `infos`. Outputs that alias an input (wasm's
 * Reshape shares the buffer and bumps its refcount) only drop that extra reference.
 */
export function free(backend: WasmBackend, infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}
