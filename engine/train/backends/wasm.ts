/**
 * The WebAssembly backend: XNNPACK kernels with SIMD, on as many threads as the machine
 * has cores, plus the training kernels tfjs-backend-wasm lacks (./wasm-kernels).
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import os from 'node:os';
import { type ProbeResult } from './probe';
import { registerWasmTrainingKernels } from './wasm-kernels/index';
import { bindNative } from './wasm-native/runtime';
import { wasmDistDir } from './wasm-paths';
import { WASM_NATIVE_ENV, WASM_THREADS_ENV } from './threads';
import { patchForThreads, unrefPoolThreads } from './wasm-threads';

/** tfjs-backend-wasm pre-creates 8 pthread workers and never uses more. */
const MAX_THREADS = 8;
/** ./wasm-threads patches internals verified on this release only; others run single-threaded. */
const THREADS_VERIFIED_ON = '4.22.0';

let pathsSet = false;

function wantedThreads(): number {
  const fromEnv = Number(process.env[WASM_THREADS_ENV]);
  const n = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : os.availableParallelism();
  return Math.max(1, Math.min(MAX_THREADS, n));
}

/**
 * Initialises tfjs's `wasm` backend and makes it current.
 * @example const r = await tryWasm(); if (r.ok) console.log(r.detail); // "XNNPACK, SIMD, 2 threads"
 */
export async function tryWasm(): Promise<ProbeResult> {
  try {
    const kernels = registerWasmTrainingKernels();
    if (!pathsSet) {
      setWasmPaths(wasmDistDir());
      pathsSet = true;
    }
    const threads = version_wasm === THREADS_VERIFIED_ON ? wantedThreads() : 1;
    const initialised = tf.findBackend('wasm') != null;
    let ok = false;
    if (threads > 1 && !initialised) {
      setThreadsCount(threads);
      const patch = patchForThreads(threads);
      try {
        ok = await tf.setBackend('wasm');
      } catch {
        ok = false;
      } finally {
        patch.restore();
      }
      if (ok) unrefPoolThreads(tf.backend());
    }
    if (!ok) {
      // Single-threaded SIMD: also the fallback should the threaded start fail.
      if (tf.findBackend('wasm') == null) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      ok = await tf.setBackend('wasm');
    }
    if (!ok) return { ok: false, reason: 'tfjs-backend-wasm failed to initialise' };
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const n = getThreadsCount();
    const native = process.env[WASM_NATIVE_ENV] === '0' ? null : await bindNative(tf.backend(), n);
    const parts = [`XNNPACK${simd ? ', SIMD' : ''}`, `${n} thread${n === 1 ? '' : 's'}`];
    parts.push(`${kernels.added.length + kernels.replaced.length} training kernels added/fixed`);
    parts.push(
      native != null ? `NetCanvas kernels on ${native.threads} thread${native.threads === 1 ? '' : 's'}` : 'without NetCanvas kernels',
    );
    return { ok: true, tfjsName: 'wasm', detail: parts.join(', ') };
  } catch (e) {
    return { ok: false, reason: `tfjs-backend-wasm failed to initialise: ${(e as Error).message}` };
  }
}
