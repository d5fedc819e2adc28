/**
 * The native TensorFlow backends (libtensorflow through @tensorflow/tfjs-node[-gpu]).
 *
 * Both packages are optional dependencies whose install downloads libtensorflow, so on
 * many machines they are absent. They are loaded with a dynamic import inside try/catch:
 * absence becomes a skip reason, never a crash, and bundlers leave them alone.
 */
import * as tf from '@tensorflow/tfjs';
import type { ProbeResult } from './probe';

export const TFJS_NODE_GPU = '@tensorflow/tfjs-node-gpu';
export const TFJS_NODE = '@tensorflow/tfjs-node';

/** Both packages register their backend under this tfjs name. */
const TFJS_NAME = 'tensorflow';

/** Loads `pkg` for its side effect (registering the backend); a string on failure. */
async function load(pkg: string): Promise<string | null> {
  try {
    await import(/* @vite-ignore */ pkg);
    return null;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const notFound = err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND';
    // A missing *dependency* of an installed package is a broken install, not an absence.
    if (notFound && String(err.message).includes(`'${pkg}'`)) return `${pkg} is not installed`;
    return `${pkg} is installed but failed to load: ${firstLine(err.message)}`;
  }
}

function firstLine(message: unknown): string {
  return String(message).split('\n')[0]!.slice(0, 200);
}

interface NodeBackend {
  isUsingGpuDevice?: boolean;
}

/** tfjs-node-gpu, only when it is installed and libtensorflow sees a CUDA device. */
export async function tryTfjsNodeGpu(): Promise<ProbeResult> {
  const failed = await load(TFJS_NODE_GPU);
  if (failed != null) return { ok: false, reason: failed };
  if (!(await tf.setBackend(TFJS_NAME))) return { ok: false, reason: `${TFJS_NODE_GPU} failed to initialise` };
  if ((tf.backend() as NodeBackend).isUsingGpuDevice !== true) {
    return { ok: false, reason: `${TFJS_NODE_GPU} is installed but libtensorflow sees no CUDA GPU` };
  }
  return { ok: true, tfjsName: TFJS_NAME, detail: `libtensorflow with CUDA (${TFJS_NODE_GPU})` };
}

/** tfjs-node: libtensorflow on the CPU (multi-threaded, MKL-optimised kernels). */
export async function tryTfjsNode(): Promise<ProbeResult> {
  const failed = await load(TFJS_NODE);
  if (failed != null) {
    // The GPU package without a GPU is still libtensorflow on the CPU, the same engine.
    if (tf.findBackendFactory(TFJS_NAME) != null && (await tf.setBackend(TFJS_NAME))) {
      return { ok: true, tfjsName: TFJS_NAME, detail: `libtensorflow on the CPU (from ${TFJS_NODE_GPU})` };
    }
    return { ok: false, reason: failed };
  }
  if (!(await tf.setBackend(TFJS_NAME))) return { ok: false, reason: `${TFJS_NODE} failed to initialise` };
  return { ok: true, tfjsName: TFJS_NAME, detail: `libtensorflow on the CPU (${TFJS_NODE})` };
}
