/**
 * Trained weights beside the graph, as one JSON file: each node's weights by node id, with shapes,
 * as base64 float32 (little-endian). Readable by any tool, diff-able at the key level, and loading
 * refuses a checkpoint whose layers or shapes do not fit the graph, naming the layer.
 *
 * @example
 *   await saveCheckpoint(compiled, 'lenet5.weights.json', { graphName: doc.name });
 *   applyCheckpoint(compiled, await readCheckpoint('lenet5.weights.json'));
 */
import { constants } from 'node:fs';
import { access, lstat, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type * as tfType from '@tensorflow/tfjs';
import type { CompiledGraph } from '../compile/compile';
import { nodeWeights, type LayerVariable } from '../compile/weights';
import type { WeightSpec } from '../layers/spec';
import { IoError, JSON_FILE_MAX_BYTES, plainReason, readTextBounded, writeFileAtomic } from '../io';

export const CHECKPOINT_FORMAT = 'netcanvas.weights';

export interface CheckpointWeight {
  /** The weight's role inside the layer: kernel, bias, gamma, beta, moving_mean, moving_variance. */
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32';
  /** Little-endian float32 values, base64. */
  readonly data: string;
}

export interface Checkpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: 1;
  readonly graphName: string;
  readonly savedAt: string;
  readonly layers: Record<string, CheckpointWeight[]>;
}

/** A checkpoint that cannot be read or does not fit the graph; the message is for the user. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** `nets/lenet5.json` → `nets/lenet5.weights.json`. */
export function defaultCheckpointPath(graphPath: string): string {
  const ext = extname(graphPath);
  return join(dirname(graphPath), `${basename(graphPath, ext)}.weights.json`);
}

/** Every node's weights (trainable and running statistics) by role, in the registry's order, read from the model now. */
export async function captureWeights(compiled: CompiledGraph): Promise<Record<string, CheckpointWeight[]>> {
  const layers: Record<string, CheckpointWeight[]> = {};
  for (const [nodeId, weights] of nodeWeights(compiled)) {
    layers[nodeId] = await Promise.all(
      weights.map(async ({ spec, variable }) => {
        const values = (await variable.read().data()) as Float32Array;
        const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
        return { name: spec.role, shape: [...spec.shape], dtype: 'float32' as const, data: bytes.toString('base64') };
      }),
    );
  }
  return layers;
}

/**
 * Writes atomically (engine/io: a unique temporary file beside the old checkpoint, renamed over it)
 * so a crash or a full disk mid-write leaves the old checkpoint whole and no temporary file behind.
 * Rejects with an IoError whose message is one line for the user.
 */
export async function saveCheckpoint(compiled: CompiledGraph, path: string, meta: { graphName: string }): Promise<void> {
  const checkpoint: Checkpoint = {
    format: CHECKPOINT_FORMAT,
    version: 1,
    graphName: meta.graphName,
    savedAt: new Date().toISOString(),
    layers: await captureWeights(compiled),
  };
  await writeFileAtomic(path, JSON.stringify(checkpoint), { createFolders: false });
}

/**
 * Why a checkpoint could not be written to `path`, found before training starts rather than after
 * it: a missing folder, a folder that is a file or not writable, a target that is a folder. Null
 * when the save can be tried.
 */
export async function checkpointPathProblem(path: string): Promise<string | null> {
  const target = resolve(path);
  const folder = dirname(target);
  const info = await stat(folder).catch((err: NodeJS.ErrnoException) => err);
  if (info instanceof Error) {
    const reason = info.code === 'ENOENT' ? 'does not exist' : `cannot be used (${plainReason(info)})`;
    return `cannot save the weights to ${target}: the folder ${folder} ${reason}; create it or choose another checkpoint path`;
  }
  if (!info.isDirectory()) return `cannot save the weights to ${target}: ${folder} is a file, not a folder`;
  const writable = await access(folder, constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!writable) return `cannot save the weights to ${target}: the folder ${folder} is not writable; choose another checkpoint path`;
  const existing = await lstat(target).catch(() => null);
  if (existing?.isDirectory()) return `cannot save the weights to ${target}: it is a folder; choose a file name ending in .weights.json`;
  return null;
}

/** Whether a file is at `path` already (a previous run's checkpoint, which a failed run must not replace). */
export async function checkpointExists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

export async function readCheckpoint(path: string): Promise<Checkpoint> {
  let text: string;
  try {
    text = await readTextBounded(path, { maxBytes: JSON_FILE_MAX_BYTES, what: 'a checkpoint may be' });
  } catch (err) {
    const code = err instanceof IoError ? err.code : (err as NodeJS.ErrnoException).code;
    throw new CheckpointError(
      `cannot read the checkpoint ${path}: ${code === 'ENOENT' ? 'no such file (train the graph first)' : plainReason(err)}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CheckpointError(`${path} is not a NetCanvas checkpoint (not valid JSON)`);
  }
  const c = value as Partial<Checkpoint>;
  if (c?.format !== CHECKPOINT_FORMAT || c.version !== 1 || typeof c.layers !== 'object' || c.layers === null) {
    throw new CheckpointError(`${path} is not a NetCanvas checkpoint (expected format "${CHECKPOINT_FORMAT}", version 1)`);
  }
  return c as Checkpoint;
}

export const showShape = (s: readonly (number | null)[]) => s.join('×');

/** Weights the graph itself defines (a frozen conv's hand-set kernel): never taken from a checkpoint. */
export const graphDefined = (spec: WeightSpec) => spec.init === 'preset' && !spec.trainable;

/**
 * Loads the weights into the compiled model after checking every layer first, so a misfit leaves
 * the model untouched. Throws CheckpointError naming the first layer that does not fit.
 */
export function applyCheckpoint(tf: typeof tfType, compiled: CompiledGraph, checkpoint: Checkpoint): void {
  const assignments: { variable: LayerVariable; values: Float32Array; shape: number[] }[] = [];
  const expected = nodeWeights(compiled);
  for (const [nodeId, weights] of expected) {
    const saved = checkpoint.layers[nodeId];
    if (!saved) throw new CheckpointError(`the checkpoint has no weights for layer "${nodeId}" (it was saved from a different graph)`);
    if (saved.length !== weights.length) {
      throw new CheckpointError(`layer "${nodeId}" has ${weights.length} weight tensors but the checkpoint has ${saved.length}`);
    }
    for (const { spec, variable } of weights) {
      const s = saved.find((w) => w.name === spec.role);
      if (!s) throw new CheckpointError(`layer "${nodeId}": the checkpoint has no ${spec.role} (it was saved from a different graph)`);
      const fits = s.shape.length === spec.shape.length && s.shape.every((d, k) => d === spec.shape[k]);
      if (!fits) {
        throw new CheckpointError(
          `layer "${nodeId}": the checkpoint's ${s.name} is ${showShape(s.shape)} but the graph needs ${showShape(spec.shape)}; the graph changed since it was trained`,
        );
      }
      const bytes = Buffer.from(s.data, 'base64');
      const count = s.shape.reduce((a, b) => a * b, 1);
      if (bytes.byteLength !== count * 4) throw new CheckpointError(`layer "${nodeId}": the checkpoint's ${s.name} data is truncated`);
      // A frozen hand-set kernel is the graph's: edited after training, the graph's values win.
      if (graphDefined(spec)) continue;
      const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      assignments.push({ variable, values, shape: s.shape });
    }
  }
  for (const nodeId of Object.keys(checkpoint.layers)) {
    if (!expected.has(nodeId))
      throw new CheckpointError(
        `the checkpoint has weights for layer "${nodeId}", which the graph does not have (or which has no weights)`,
      );
  }
  for (const a of assignments) {
    const value = tf.tensor(a.values, a.shape, 'float32');
    a.variable.write(value);
    value.dispose(); // the variable holds its own reference
  }
}
