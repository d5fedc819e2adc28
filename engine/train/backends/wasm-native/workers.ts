/**
 * The kernel pool's threads: Node's worker_threads (Node, Electron's utility process) or Web
 * Workers (a browser), each an instance of the kernel module on tfjs's shared memory that waits in
 * nc_worker_loop for jobs the caller publishes (./c/pool.c). They hold no event loop open.
 */

export interface WorkerPool {
  readonly count: number;
}

/** The worker's whole program: instantiate, say ready, then serve jobs until nc_pool_stop. */
const BODY = `
  const instance = new WebAssembly.Instance(data.module, { env: { memory: data.memory } });
  post('ready');
  instance.exports.nc_worker_loop(data.pool, data.tid, 0);`;

interface NodeWorker {
  once(event: 'message' | 'error', listener: (value: unknown) => void): void;
  unref(): void;
}

async function nodeWorker(data: Record<string, unknown>): Promise<NodeWorker> {
  const { Worker } = (await import('node:worker_threads')) as unknown as {
    Worker: new (code: string, options: { eval: true; workerData: unknown }) => NodeWorker;
  };
  const code = `const { parentPort, workerData: data } = require('node:worker_threads');
    const post = (m) => parentPort.postMessage(m);${BODY}`;
  return new Worker(code, { eval: true, workerData: data });
}

function browserWorker(data: Record<string, unknown>): Worker {
  const code = `onmessage = (e) => { const data = e.data; const post = (m) => postMessage(m);${BODY} };`;
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
