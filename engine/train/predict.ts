/**
 * Using trained weights: compile the graph, load its checkpoint (refused if it does not fit), and
 * turn inputs into class probabilities. Runs in the caller's process: prediction is short.
 *
 * @example
 *   const trained = await loadTrained(doc, 'lenet5.weights.json');
 *   const probs = await predictBatch(trained, pixels, 1); // Float32Array of 10 probabilities
 */
import * as tf from '@tensorflow/tfjs';
import { compileGraph, type CompiledGraph } from '../compile/compile';
import type { GraphDoc } from '../graph/types';
import { applyCheckpoint, readCheckpoint } from './checkpoint';
import { predictProbabilities } from './evaluate';

export interface Trained {
  readonly compiled: CompiledGraph;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly backend: string;
  /**
   * On WebGPU, what went wrong on the GPU since loading, in words (results after a fault are not to
   * be trusted: tfjs-webgpu reads zeros where commands failed); null while all is well.
   */
  gpuFailure(): string | null;
  dispose(): void;
}

/** Throws CompileError (graph has errors), CheckpointError (missing or misfit weights) or a backend error. */
export async function loadTrained(doc: GraphDoc, checkpointPath: string, options: { backend?: string } = {}): Promise<Trained> {
  // The checkpoint first: a missing file is the likeliest mistake and needs no backend to report.
  const checkpoint = await readCheckpoint(checkpointPath);
  const { selectBackend } = await import('./backends/select');
  // Short jobs: starting WebGPU (adapter, shader compiles) costs more than it saves, and Dawn
  // prints its driver warnings into the CLI's output. `--backend webgpu` still uses it.
  const choice = await selectBackend(options.backend, {
    exclude: { webgpu: 'not used for evaluate and predict, which are short (--backend webgpu forces it)' },
  });
  if (tf.getBackend() !== choice.tfjsName) await tf.setBackend(choice.tfjsName);
  const faults = choice.name === 'webgpu' ? await import('./webgpu/device/faults') : null;
  const watch = faults?.watchFaults();
  const compiled = compileGraph(doc, tf);
  try {
    applyCheckpoint(tf, compiled, checkpoint);
  } catch (err) {
    compiled.model.dispose();
    throw err;
  }
  const input = compiled.check.nodes[compiled.check.inputId!]!.outputShape!;
  const output = compiled.check.nodes[compiled.check.outputIds[0]!]!.outputShape!;
  return {
    compiled,
    inputShape: input,
    numClasses: output[output.length - 1]!,
    backend: choice.name,
    gpuFailure() {
      const fault = watch?.fault();
      return fault
        ? `the GPU (${choice.device ?? choice.name}) failed: ${fault.kind === 'memory' ? 'it ran out of memory' : fault.message}. Run it on the CPU instead (--backend wasm)`
        : null;
    },
    dispose: () => compiled.model.dispose(),
  };
}

/** `count` samples back to back (normalised like the training data) → `count × classes` probabilities. */
export async function predictBatch(trained: Trained, x: Float32Array, count: number): Promise<Float32Array> {
  const input = tf.tensor(x, [count, ...trained.inputShape], 'float32');
  const probs = predictProbabilities(tf, trained.compiled, input);
  const values = (await probs.data()) as Float32Array;
  tf.dispose([input, probs]);
  return values;
}
