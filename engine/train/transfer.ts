/**
 * Transfer learning's first half: start a graph from another run's weights, wherever they fit.
 * A node takes a checkpoint's weights when the checkpoint has the same node id with every tensor
 * the node keeps, in the same shapes; any other node keeps its fresh start, and the report says
 * which loaded and why each other did not (the second half, freezing what loaded, is
 * engine/graph/freeze.ts).
 *
 * @example
 *   const report = initFromCheckpoint(tf, compiled, await readCheckpoint('mnist.weights.json'), 'mnist.weights.json');
 *   report.loaded  // ['c1', 'c2']
 *   report.skipped // [{ nodeId: 'out', reason: 'its kernel is 120×10 in the checkpoint but 120×5 here' }]
 */
import type * as tfType from '@tensorflow/tfjs';
import type { CompiledGraph } from '../compile/compile';
import { nodeWeights } from '../compile/weights';
import { type Checkpoint, CheckpointError, graphDefined, showShape } from './checkpoint';

export interface InitReport {
  /** The checkpoint, as the user named it. */
  readonly from: string;
  /** Nodes whose weights were loaded, in the graph's order. */
  readonly loaded: readonly string[];
  /** Nodes with weights that kept their fresh start, and why. */
  readonly skipped: readonly { readonly nodeId: string; readonly reason: string }[];
  /** Layers in the checkpoint that no node here took (no such node, or one without weights). */
  readonly unused: readonly string[];
}

type Saved = { name?: unknown; shape?: unknown; data?: unknown };

/** The saved tensor's values when it fits `shape`, else why not. */
function fit(saved: Saved | undefined, role: string, shape: readonly number[]): Float32Array | string {
  if (!saved) return `the checkpoint's node has no ${role}`;
  if (!Array.isArray(saved.shape) || typeof saved.data !== 'string') return `its ${role} in the checkpoint is malformed`;
  const savedShape = saved.shape as number[];
  if (savedShape.length !== shape.length || savedShape.some((d, k) => d !== shape[k]))
    return `its ${role} is ${showShape(savedShape)} in the checkpoint but ${showShape(shape)} here`;
  const bytes = Buffer.from(saved.data, 'base64');
  if (bytes.byteLength !== shape.reduce((a, b) => a * b, 1) * 4) return `its ${role} in the checkpoint is truncated`;
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/**
 * Loads every node that fits (all or nothing per node), leaves the others as they are. Throws
 * CheckpointError when nothing fits: training "from" a checkpoint that gave nothing would silently
 * be training from scratch.
 */
export function initFromCheckpoint(tf: typeof tfType, compiled: CompiledGraph, checkpoint: Checkpoint, from: string): InitReport {
  const loaded: string[] = [];
  const skipped: { nodeId: string; reason: string }[] = [];
  const expected = nodeWeights(compiled);
  for (const [nodeId, weights] of expected) {
    const list = Object.prototype.hasOwnProperty.call(checkpoint.layers, nodeId) ? (checkpoint.layers[nodeId] as unknown) : undefined;
    if (list === undefined) {
      skipped.push({ nodeId, reason: 'the checkpoint has no node with this id' });
      continue;
    }
    if (!Array.isArray(list)) {
      skipped.push({ nodeId, reason: 'its entry in the checkpoint is malformed' });
      continue;
    }
    const fits = weights.map(({ spec }) =>
      fit(
        (list as Saved[]).find((w) => w?.name === spec.role),
        spec.role,
        spec.shape,
      ),
    );
    const misfit = fits.find((f): f is string => typeof f === 'string');
    if (misfit) {
      skipped.push({ nodeId, reason: misfit });
      continue;
    }
    weights.forEach(({ spec, variable }, i) => {
      if (graphDefined(spec)) return;
      const value = tf.tensor(fits[i] as Float32Array, [...spec.shape], 'float32');
      variable.write(value);
      value.dispose();
    });
    loaded.push(nodeId);
  }
  const unused = Object.keys(checkpoint.layers).filter((id) => !expected.has(id));
  if (loaded.length === 0) {
    const why = skipped
      .slice(0, 3)
      .map((s) => `${s.nodeId}: ${s.reason}`)
      .join('; ');
    throw new CheckpointError(
      `nothing in ${from} fits this graph: a node takes weights from a checkpoint node with the same id and the same shapes (${why || 'this graph has no layers with weights'})`,
    );
  }
  return { from, loaded, skipped, unused };
}
