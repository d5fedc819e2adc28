/**
 * How many threads the wasm backend may use, set through the environment so that a host can
 * decide for the trainer process it starts. Kept apart from ./wasm so hosts need not load tfjs.
 */
import os from 'node:os';

/** `0` leaves NetCanvas's own WebAssembly kernels out (engine/train/backends/wasm-native): tfjs's alone, to compare. */
export const WASM_NATIVE_ENV = 'NETCANVAS_WASM_NATIVE';

/**
 * Who threads the wasm backend: `ours` (the default) runs XNNPACK on one thread and gives every
 * core to NetCanvas's kernel pool, which takes the convolutions; `xnnpack` gives both pools every
 * core, as before 2026-12 (benchmarks compare the two). See wasm-native/README.md, "Threads".
 */
export const WASM_POOL_ENV = 'NETCANVAS_WASM_POOL';

/** Environment override for the thread count (1 forces the single-threaded binary). */
export const WASM_THREADS_ENV = 'NETCANVAS_WASM_THREADS';

/**
 * The environment for a trainer that runs beside a UI: one core fewer than the machine has, so
 * the window keeps one (on 2 cores, XNNPACK on both starved Chromium's frames). The CLI has no
 * UI and uses them all; NETCANVAS_WASM_THREADS, when set, wins.
 */
export function envBesideUi(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env[WASM_THREADS_ENV]) return env;
  return { ...env, [WASM_THREADS_ENV]: String(Math.max(1, os.availableParallelism() - 1)) };
}
