/**
 * NetCanvas's WebAssembly kernels (./c), bound to a tfjs-backend-wasm instance: the module is
 * instantiated on tfjs's own memory, so a tensor's heap offset is a pointer our kernels read and
 * write with no copy. With tfjs's threaded binary (shared memory) the kernels run on a pool of as
 * many threads as XNNPACK uses (./workers); with the single-threaded binary, on the caller alone.
 *
 * @example
 *   const native = await bindNative(tf.backend());   // once, after tf.setBackend('wasm')
 *   nativeFor(backend)?.exports.nc_relu_grad(native.pool, dyPtr, xPtr, dxPtr, n);
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { SINGLE_WASM, THREADED_WASM } from './module.generated';
import { POOL_FAILED, startWorkers, type WorkerPool } from './workers';

type Ptr = number;

/** The C entry points (see ./c/*.c for what each computes). */
export interface NativeExports {
  nc_pool_size(): number;
  nc_pool_stop(pool: Ptr): void;
  nc_batchnorm_forward(...args: number[]): void;
  nc_batchnorm_backward(...args: number[]): void;
  nc_batchnorm_moving(mean: Ptr, variance: Ptr, stats: Ptr, c: number, momentum: number): void;
  nc_optimizer_update(...args: number[]): number;
  nc_reduce_middle(pool: Ptr, x: Ptr, out: Ptr, outer: number, reduce: number, inner: number, scale: number, scratch: Ptr): void;
  nc_broadcast_middle(pool: Ptr, dy: Ptr, out: Ptr, outer: number, reduce: number, inner: number): void;
  nc_relu_grad(pool: Ptr, dy: Ptr, x: Ptr, dx: Ptr, n: number): void;
  nc_relu(pool: Ptr, x: Ptr, out: Ptr, n: number): void;
  nc_add(pool: Ptr, a: Ptr, b: Ptr, out: Ptr, n: number): void;
  nc_max_pool_grad(...args: number[]): void;
  nc_conv2d_filter_grad(...args: number[]): void;
  nc_conv2d_filter_grad_scratch(ci: number, oh: number, ow: number, co: number, fh: number, fw: number, sh: number, sw: number): number;
  nc_winograd_conv(...args: number[]): void;
  nc_winograd_scratch(ci: number, co: number, threads: number): number;
  nc_conv2d_input_grad(...args: number[]): void;
  nc_conv2d_input_grad_scratch(...args: number[]): number;
  nc_winograd_filter_grad(...args: number[]): void;
  nc_winograd_filter_scratch(ci: number, co: number, threads: number): number;
  nc_conv2d_forward(...args: number[]): void;
  nc_gemm(...args: number[]): void;
  nc_conv2d_forward_scratch(oh: number, ow: number, ci: number, fh: number, fw: number, sh: number, sw: number): number;
}

interface WasmModuleInternals {
  tfjs: { disposeData(id: number): void; registerTensor(id: number, size: number, ptr: number): void };
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/** Offsets of the pool struct's fields the host writes (./c/nc.h). */
const POOL_WORKERS = 12;
const POOL_CAN_BLOCK = 16;
const POOL_MAX_THREADS = 20;
const POOL_JOB_THREADS = 32;
const POOL_SPIN = 40;
/** Polls before sleeping while XNNPACK's pool also has threads (it spins too: leave it the core). */
export const SHORT_SPIN = 4000;
/** Polls before sleeping while our pool owns the cores: about a millisecond, as OpenMP's runtimes do. */
export const LONG_SPIN = 1 << 20;

export class Native {
  /** Threads a job may use, the caller included (see `setThreads`). */
  threads = 1;
  /**
   * Whether our pool owns the cores: XNNPACK runs on one thread, so our direct kernels take the
   * convolutions it would have threaded, and idle threads poll longer (see `setSpin`).
   */
  ownsThreads = false;
  /** Threads started, the caller included. */
  private started = 1;
  private scratchPtr = 0;
  private scratchBytes = 0;
  private workers: WorkerPool | null = null;

  constructor(
    readonly backend: BackendWasm,
    readonly exports: NativeExports,
    readonly memory: WebAssembly.Memory,
    /** The pool struct, in tfjs's heap. */
    readonly pool: Ptr,
  ) {}

  private get module(): WasmModuleInternals {
    return this.backend.wasm as unknown as WasmModuleInternals;
  }

  /** The heap offset of a tensor's data. */
  ptr(info: tf.TensorInfo): Ptr {
    return this.backend.dataIdMap.get(info.dataId)!.memoryOffset;
  }

  /** Whether the tensor's data belongs to it alone (safe to write in place). */
  owns(info: tf.TensorInfo): boolean {
    return this.backend.dataIdMap.get(info.dataId)!.refCount === 1;
  }

  /**
   * Says that a tensor's data was written in place. tfjs-backend-wasm caches XNNPACK operators
   * with a filter's or a weight matrix's values packed inside, by tensor id, and drops them only
   * when that id is disposed: without this, a conv or dense layer would keep computing with its
   * weights from before the update. Re-registering the id under the same memory drops them.
   */
  written(info: tf.TensorInfo): void {
    const data = this.backend.dataIdMap.get(info.dataId)!;
    this.module.tfjs.disposeData(data.id);
    this.module.tfjs.registerTensor(data.id, tf.util.sizeFromShape(data.shape), data.memoryOffset);
  }

  /** A float32 view of n elements at ptr (made afresh: a heap growth detaches old views). */
  f32(ptr: Ptr, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  /**
   * Copies `rows` rows of `n` floats at `src` into rows of `n8` floats at `dst`, the extra columns
   * zero: a filter's or a matrix's columns padded to the width our 8-column tiles read.
   */
  padColumns(src: Ptr, rows: number, n: number, n8: number, dst: Ptr): void {
    const from = this.f32(src, rows * n);
    const to = this.f32(dst, rows * n8);
    to.fill(0);
    for (let r = 0; r < rows; r++) to.set(from.subarray(r * n, r * n + n), r * n8);
  }

  /** A scratch buffer of at least `bytes`, 16-byte aligned, valid until the next call. */
  scratch(bytes: number): Ptr {
    if (bytes > this.scratchBytes) {
      const size = Math.max(bytes, 2 * this.scratchBytes, 1 << 16);
      if (this.scratchPtr !== 0) this.module._free(this.scratchPtr);
      // Forgotten before the malloc: on a full heap it throws (../wasm-heap.ts), and the next call
      // must not use the buffer just freed.
      this.scratchPtr = 0;
      this.scratchBytes = 0;
      this.scratchPtr = this.module._malloc(size + 16) >>> 0;
      this.scratchBytes = size;
    }
    return ((this.scratchPtr + 15) & ~15) >>> 0; // unsigned: a heap may pass 2 GiB
  }

  /** Starts `threads − 1` workers on the shared memory; resolves once they all wait for work. */
  async startThreads(module: WebAssembly.Module, threads: number): Promise<void> {
    if (threads <= 1 || !(this.memory.buffer instanceof SharedArrayBuffer)) return;
    this.workers = await startWorkers(module, this.memory, this.pool, threads - 1);
    new Int32Array(this.memory.buffer)[(this.pool + POOL_WORKERS) >> 2] = this.workers.count;
    this.started = this.workers.count + 1;
    this.setThreads(this.started);
  }

  /** Caps the threads a job may use at `n` (1 to those started): the bench compares 1 and 2, tests take both paths. */
  setThreads(n: number): number {
    this.threads = Math.max(1, Math.min(Math.floor(n), this.started));
    new Int32Array(this.memory.buffer)[(this.pool + POOL_MAX_THREADS) >> 2] = this.threads;
    return this.threads;
  }

  /**
   * How many polls (~1 ns each) an idle thread makes before it sleeps, and the caller before it
   * blocks waiting for the others. A sleeping thread takes 30–100 µs to wake, a lot next to the
   * small kernels of a step that come every few tens of µs; polling is free when no other pool
   * wants the core, and takes it from XNNPACK's when one does.
   */
  setSpin(polls: number): void {
    new Int32Array(this.memory.buffer)[(this.pool + POOL_SPIN) >> 2] = Math.max(0, Math.floor(polls));
  }

  /** The threads the last job ran on (tests check that the threaded path was taken). */
  lastJobThreads(): number {
    return new Int32Array(this.memory.buffer)[(this.pool + POOL_JOB_THREADS) >> 2]!;
  }

  dispose(): void {
    if (this.workers != null) {
      this.exports.nc_pool_stop(this.pool);
      this.workers = null;
    }
  }
}

const bound = new WeakMap<object, Native>();
const binding = new WeakMap<object, Promise<Native | null>>();
let enabled = true;

/** The kernels bound to this backend, or null before `bindNative` resolved (or where it failed). */
export function nativeFor(backend: unknown): Native | null {
  return enabled ? (bound.get((backend as BackendWasm).wasm) ?? null) : null;
}

/** Off: every kernel takes its tfjs route again (benchmarks compare both in one process). */
export function setNativeKernelsEnabled(on: boolean): void {
  enabled = on;
}

/** What a kernel call says when one of the pool's threads trapped mid-job (./c/pool.c, ./workers). */
export const THREAD_FAILED =
  "a CPU kernel thread stopped (its error is in the trainer's log), so this step's result was lost. " +
  'Train again; if it happens again, set NETCANVAS_WASM_THREADS=1 to run the kernels on one thread';

/**
 * The exports, each turning the trap nc_parallel raises after a worker died into THREAD_FAILED
 * (nc_parallel has then set the pool's workers to 0, so later jobs in this process run on the
 * caller alone; the app's next run is a new process with a full pool). A try/catch per call
 * costs nothing next to a kernel.
 */
function guardThreads(raw: NativeExports, memory: WebAssembly.Memory, pool: Ptr): NativeExports {
  const failed = (): boolean => new Int32Array(memory.buffer)[(pool + POOL_FAILED) >> 2] === 1;
  const guarded: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(raw)) {
    if (typeof f !== 'function') continue;
    guarded[name] = (...args: number[]) => {
      try {
        return (f as (...a: number[]) => unknown)(...args);
      } catch (e) {
        if (!failed()) throw e;
        new Int32Array(memory.buffer)[(pool + POOL_FAILED) >> 2] = 0; // said once; a later trap is its own
        throw new Error(THREAD_FAILED);
      }
    };
  }
  return guarded as unknown as NativeExports;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  if (typeof Buffer !== 'undefined') return Uint8Array.from(Buffer.from(base64, 'base64'));
  return Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
}

/** Whether this thread may block on Atomics.wait: not a browser page's main thread. */
function callerMayBlock(): boolean {
  const g = globalThis as { window?: unknown; process?: { versions?: { node?: string } } };
  return g.process?.versions?.node != null || g.window === undefined;
}

/**
 * Instantiates the kernels on `backend`'s memory (idempotent per backend) with `threads` threads.
 * Resolves to null, never throws, if this tfjs build exposes no memory we can import: the
 * caller then keeps tfjs's own kernels.
 */
export function bindNative(backend: unknown, threads: number): Promise<Native | null> {
  const wasmBackend = backend as BackendWasm;
  const key = wasmBackend.wasm as object;
  let pending = binding.get(key);
  if (pending == null) {
    pending = bind(wasmBackend, threads).catch(() => null);
    binding.set(key, pending);
  }
  return pending;
}

async function bind(backend: BackendWasm, threads: number): Promise<Native | null> {
  const wasm = backend.wasm as unknown as WasmModuleInternals;
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const module = await WebAssembly.compile(decode(shared ? THREADED_WASM : SINGLE_WASM));
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const raw = instance.exports as unknown as NativeExports;
  const size = raw.nc_pool_size();
  const block = wasm._malloc(size + 64) >>> 0;
  const pool = (block + 63) & ~63;
  const exports = guardThreads(raw, memory, pool);
  new Uint8Array(memory.buffer, pool, size).fill(0);
  new Int32Array(memory.buffer)[(pool + POOL_CAN_BLOCK) >> 2] = callerMayBlock() ? 1 : 0;
  const native = new Native(backend, exports, memory, pool);
  native.setThreads(1);
  native.setSpin(SHORT_SPIN);
  if (shared) await native.startThreads(module, threads);
  bound.set(backend.wasm, native);
  return native;
}
