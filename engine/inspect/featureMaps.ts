/**
 * Inspection: looking inside a trained (or freshly initialised) network, as the lecture asks a
 * student to. This folder holds what the inspector computes from a compiled graph and its weights —
 * feature maps (each node's output for one sample), Monte-Carlo dropout (averaging stochastic
 * passes) and ensembles (averaging several nets' probabilities) — as plain numbers, so the trainer
 * process computes them and the renderer and the CLI only draw them.
 *
 * A feature map is read from a tfjs sub-model of the compiled graph (input → the chosen nodes'
 * outputs), run in inference mode: exactly the values the model computes between its layers.
 *
 * @example
 *   const maps = await featureMaps(tf, compiled, pixels); // every node, for one sample
 *   maps.find((m) => m.nodeId === 'c1') // { shape: [24, 24, 6], values: [...3456], min: -0.8, max: 2.1 }
 */
import type * as tfType from '@tensorflow/tfjs';
import type { CompiledGraph } from '../compile/compile';
import type { NodeId } from '../graph/types';

type Tf = typeof tfType;

export interface FeatureMap {
  readonly nodeId: NodeId;
  readonly type: string;
  /** The node's output shape for one sample: [H, W, C] (C images of H×W) or [N] (a vector). */
  readonly shape: readonly number[];
  /** Row-major in `shape` (channels last). */
  readonly values: Float32Array;
  /** The range over all channels: the one colour scale the maps are drawn on. */
  readonly min: number;
  readonly max: number;
}

/** Sub-models by compiled graph and node list: building one costs more than running it. */
const cache = new WeakMap<CompiledGraph, Map<string, tfType.LayersModel>>();

function subModel(tf: Tf, compiled: CompiledGraph, ids: readonly NodeId[]): tfType.LayersModel {
  const key = ids.join('\u0000');
  let models = cache.get(compiled);
  if (!models) cache.set(compiled, (models = new Map()));
  let model = models.get(key);
  if (!model) {
    model = tf.model({ inputs: compiled.model.inputs, outputs: ids.map((id) => compiled.nodeOutputs.get(id)!) });
    models.set(key, model);
  }
  return model;
}

/** Which nodes can be inspected: every compiled node, in the graph's order (the input first). */
export function inspectableNodes(compiled: CompiledGraph): NodeId[] {
  return compiled.check.order.filter((id) => compiled.nodeOutputs.has(id));
}

/**
 * Each node's output for one sample (`sample`: the input's values, normalised as in training). `nodeIds`
 * omitted: every node. Throws for an unknown node or a sample of the wrong size (a caller's mistake).
 */
export async function featureMaps(
  tf: Tf,
  compiled: CompiledGraph,
  sample: Float32Array,
  nodeIds?: readonly NodeId[],
): Promise<FeatureMap[]> {
  const ids = nodeIds ? [...nodeIds] : inspectableNodes(compiled);
  for (const id of ids) if (!compiled.nodeOutputs.has(id)) throw new Error(`there is no node "${id}" in the compiled graph`);
  const inputShape = compiled.model.inputs[0]!.shape.slice(1) as number[];
  const size = inputShape.reduce((a, b) => a * b, 1);
  if (sample.length !== size) throw new Error(`the sample has ${sample.length} values but the input is ${inputShape.join('×')} (${size})`);
  const model = subModel(tf, compiled, ids);
  const x = tf.tensor(sample, [1, ...inputShape], 'float32');
  const raw = model.predict(x) as tfType.Tensor | tfType.Tensor[];
  const outputs = Array.isArray(raw) ? raw : [raw];
  try {
    // Async reads: the only kind WebGPU has in Node.
    const data = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
    return ids.map((nodeId, i) => {
      const values = data[i]!;
      let min = Infinity;
      let max = -Infinity;
      for (const v of values) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      return {
        nodeId,
        type: compiled.check.nodes[nodeId]!.type,
        shape: outputs[i]!.shape.slice(1),
        values,
        min: values.length ? min : 0,
        max: values.length ? max : 0,
      };
    });
  } finally {
    tf.dispose([x, ...outputs]);
  }
}

/** Frees the sub-models built for `compiled` (the compiled model itself stays). */
export function disposeInspection(compiled: CompiledGraph): void {
  // The sub-models share the compiled model's layers and weights: dropping them frees only their own bookkeeping.
  cache.delete(compiled);
}
