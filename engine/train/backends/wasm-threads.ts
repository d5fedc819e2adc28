/**
 * Lets tfjs-backend-wasm's multi-threaded (pthreads + SIMD) binary run in Node.
 *
 * tfjs 4.22 never picks that binary in Node (its WASM_HAS_MULTITHREAD_SUPPORT flag says
 * false there, tfjs issue #3830), although Node 20 has everything it needs: worker_threads,
 * shared WebAssembly memory and Atomics. Three things stand in the way, each handled here
 * for the duration of backend initialisation only:
 *
 * 1. The pthread workers are started from a `blob:` URL, which Node's Worker cannot load.
 *    We write the same worker script to a temp file and hand out its path instead, with
 *    the threaded factory preloaded (the worker would otherwise `importScripts` a blob).
 * 2. The thread count is capped at emscripten_num_logical_cores() / 2 (tfjs assumes two
 *    hyper-threads per core), which in Node is `os.cpus().length / 2`, so a 2-core machine
 *    gets one thread. We report twice the wanted count while the module initialises.
 * 3. A running pthread holds a ref on its worker, so the process never exits. The pool
 *    threads only wait for work; we unref them after initialisation.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface Patched {
  restore(): void;
}

function writeWorkerScript(): string {
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const factory = path.join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(path.join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // The contents were authored for a Blob: string escapes arrive as real newlines (tfjs
  // re-escapes them the same way before making its Blob).
  const body = wasmWorkerContents.replace(/\n/g, '\\n');
  const script = [
    `globalThis.WasmBackendModuleThreadedSimd = require(${JSON.stringify(factory)});`,
    body,
    // The factory is already loaded; the blob the main thread sends along is redundant.
    `;(() => { const load = globalThis.importScripts;`,
    `  globalThis.importScripts = (f) => (String(f).startsWith('blob:') ? undefined : load(f)); })();`,
  ].join('\n');
  const file = path.join(os.tmpdir(), `netcanvas-tfjs-wasm-worker-${process.pid}.cjs`);
  fs.writeFileSync(file, script);
  return file;
}

/** Applies the patches above; call `restore()` once `tf.setBackend('wasm')` settles. */
export function patchForThreads(threads: number): Patched {
  const workerFile = writeWorkerScript();
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = (obj: Blob | MediaSource) =>
    obj instanceof Blob && obj.type === 'application/javascript' ? workerFile : createObjectURL(obj);
  const cpus = os.cpus;
  os.cpus = () => {
    const real = cpus();
    return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]!);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  return {
    restore() {
      URL.createObjectURL = createObjectURL;
      os.cpus = cpus;
      // Every pool worker has run the script by now (the module resolves only once they all
      // loaded), and at most 8 threads means no worker is started later. Removed at once:
      // test runners kill their workers without letting an async removal finish.
      fs.rmSync(workerFile, { force: true });
    },
  };
}

interface PThreadWorker {
  unref?: () => void;
}
interface WithPThread {
  wasm?: { PThread?: { runningWorkers?: PThreadWorker[]; unusedWorkers?: PThreadWorker[] } };
}

/** Lets the process exit while XNNPACK's pool threads sit idle. */
export function unrefPoolThreads(backend: unknown): void {
  const pthread = (backend as WithPThread).wasm?.PThread;
  for (const w of [...(pthread?.runningWorkers ?? []), ...(pthread?.unusedWorkers ?? [])]) w.unref?.();
}
