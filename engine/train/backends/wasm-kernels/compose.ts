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
export function runWasm(
  backend: WasmBackend,
  name: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel == null) throw new Error(`wasm kernel '${name}' is not registered`);
  const out = kernel.kernelFunc({ inputs, attrs, backend });
  return Array.isArray(out) ? out[0]! : out;
}

/** Transposes `x` by `perm` unless `perm` is the identity (then `x` itself comes back). */
export function transpose(backend: WasmBackend, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  if (perm.every((p, i) => p === i)) return x;
  return runWasm(backend, tf.Transpose, { x }, { perm });
}

/** Frees intermediates, skipping any that alias a tensor the caller must keep. */
export function free(backend: WasmBackend, infos: tf.TensorInfo[], keep: tf.TensorInfo[] = []): void {
  const kept = new Set(keep.map((k) => k.dataId));
  for (const info of infos) if (!kept.has(info.dataId)) backend.disposeData(info.dataId);
}
