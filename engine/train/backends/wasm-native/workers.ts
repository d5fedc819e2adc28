/**
 * The kernel pool's threads: Node's worker_threads (Node, Electron's utility process) or Web
 * Workers (a browser), each an instance of the kernel module on tfjs's shared memory that waits in
 * nc_worker_loop for jobs the caller publishes (./c/pool.c). They hold no event loop open.
 */

export interface WorkerPool {
  readonly count: number;
}

/** The pool struct's fields a worker's host writes when its worker traps (./c/nc.h). */
export const POOL_PENDING = 4;
export const POOL_FAILED = 36;

/**
 * The worker's whole program: instantiate, say ready, then serve jobs until nc_pool_stop. If a job
 * traps, the caller is blocked in nc_parallel waiting for this worker (its event loop cannot run,
 * so an 'error' event would never be read): mark the pool failed and check in for the worker, so
 * that the caller wakes and fails loudly instead of waiting forever.
 */
const BODY = `
  const instance = new WebAssembly.Instance(data.module, { env: { memory: data.memory } });
  post('ready');
  try {
    instance.exports.nc_worker_loop(data.pool, data.tid, 0);
  } catch (e) {
    const i32 = new Int32Array(data.memory.buffer);
    Atomics.store(i32, (data.pool + ${POOL_FAILED}) >> 2, 1);
    if (Atomics.sub(i32, (data.pool + ${POOL_PENDING}) >> 2, 1) === 1) Atomics.notify(i32, (data.pool + ${POOL_PENDING}) >> 2);
    report('NetCanvas kernel thread ' + data.tid + ' stopped: ' + ((e && e.stack) || e));
  }`;

interface NodeWorker {
  once(event: 'message' | 'error', listener: (value: unknown) => void): void;
  unref(): void;
}

async function nodeWorker(data: Record<string, unknown>): Promise<NodeWorker> {
  const { Worker } = (await import('node:worker_threads')) as unknown as {
    Worker: new (code: string, options: { eval: true; workerData: unknown }) => NodeWorker;
  };
  // Written straight to fd 2: the worker's process.stderr goes through the blocked main thread.
  const code = `const { parentPort, workerData: data } = require('node:worker_threads');
    const post = (m) => parentPort.postMessage(m);
    const report = (m) => require('node:fs').writeSync(2, m + '\\n');${BODY}`;
  return new Worker(code, { eval: true, workerData: data });
}

function browserWorker(data: Record<string, unknown>): Worker {
  const code = `onmessage = (e) => { const data = e.data; const post = (m) => postMessage(m); const report = (m) => console.error(m);${BODY} };`;
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  const worker = new Worker(url);
  worker.postMessage(data);
  URL.revokeObjectURL(url);
  return worker;
}

function ready(worker: NodeWorker | Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    if ('once' in worker) {
      worker.once('message', () => resolve());
      worker.once('error', (e) => reject(e as Error));
    } else {
      worker.onmessage = () => resolve();
      worker.onerror = (e) => reject(new Error(e.message));
    }
  });
}

export async function startWorkers(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  pool: number,
  count: number,
): Promise<WorkerPool> {
  const isNode = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node != null;
  const workers = await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const data = { module, memory, pool, tid: i + 1 };
      return isNode ? nodeWorker(data) : Promise.resolve(browserWorker(data));
    }),
  );
  await Promise.all(workers.map(ready));
  for (const w of workers) if ('unref' in w) w.unref();
  return { count };
}
