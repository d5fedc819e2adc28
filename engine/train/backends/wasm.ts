/**
 * The WebAssembly backend: XNNPACK kernels with SIMD, on as many threads as the machine
 * has cores, plus the training kernels tfjs-backend-wasm lacks (./wasm-kernels).
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import os from 'node:os';
import { type ProbeResult } from './probe';
import { registerWasmTrainingKernels } from './wasm-kernels/index';
import { bindNative, LONG_SPIN, type Native } from './wasm-native/runtime';
import { wasmDistDir } from './wasm-paths';
import { WASM_NATIVE_ENV, WASM_POOL_ENV, WASM_THREADS_ENV } from './threads';
import { patchForThreads, unrefPoolThreads } from './wasm-threads';
import { guardHeap } from './wasm-heap';

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
 * Whether our kernel pool should own the cores (XNNPACK on one thread). XNNPACK's idle workers
 * poll for about a million iterations after every operator; with both pools threaded, ours and
 * tfjs's single-threaded kernels waited for the core XNNPACK's worker was polling on (LeNet-5 at
 * batch 64 ran no faster on 2 threads than on 1). With one pool, the second core is ours.
 */
function ourPool(): boolean {
  return process.env[WASM_POOL_ENV] !== 'xnnpack' && process.env[WASM_NATIVE_ENV] !== '0';
}

/** Whether tfjs runs its threaded binary (a shared memory), where threads are possible at all. */
function isShared(): boolean {
  const wasm = (tf.backend() as unknown as { wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } } }).wasm;
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  return typeof SharedArrayBuffer !== 'undefined' && memory?.buffer instanceof SharedArrayBuffer;
}

/**
 * Hands the cores to our pool once it is bound. Where it could not bind (a tfjs build whose memory
 * we cannot import), XNNPACK stays on one thread: slower, still correct. Giving XNNPACK its threads
 * back is no option: a second pthreadpool_create waits forever for a worker in Node.
 */
function settleThreads(native: Native | null): void {
  if (native != null && native.threads > 1) {
    native.ownsThreads = true;
    native.setSpin(LONG_SPIN);
  }
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
    const own = ourPool();
    if (threads > 1 && !initialised) {
      setThreadsCount(own ? 1 : threads);
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
    guardHeap(tf.backend());
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const shared = isShared();
    const native = process.env[WASM_NATIVE_ENV] === '0' ? null : await bindNative(tf.backend(), shared ? threads : 1);
    if (!initialised && own) settleThreads(native);
    const xnnpack = getThreadsCount();
    const n = Math.max(xnnpack, native?.threads ?? 1);
    const parts = [`XNNPACK${simd ? ', SIMD' : ''}`, `${n} thread${n === 1 ? '' : 's'}`];
    parts.push(`${kernels.added.length + kernels.replaced.length} training kernels added/fixed`);
    const plural = (k: number) => `${k} thread${k === 1 ? '' : 's'}`;
    if (native == null) parts.push('without NetCanvas kernels');
    else if (native.ownsThreads) parts.push(`NetCanvas kernels on ${plural(native.threads)} (XNNPACK on ${plural(xnnpack)})`);
    else parts.push(`NetCanvas kernels on ${plural(native.threads)}`);
    return { ok: true, tfjsName: 'wasm', detail: parts.join(', ') };
  } catch (e) {
    return { ok: false, reason: `tfjs-backend-wasm failed to initialise: ${(e as Error).message}` };
  }
}
