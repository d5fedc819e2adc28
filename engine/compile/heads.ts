/**
 * Models that share the compiled graph's layers but end elsewhere: before the graph's final
 * softmax or sigmoid (the scores a loss with logits needs), or at any node (a bottleneck's codes).
 * They own no weights: disposing the compiled model disposes everything.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { NodeId } from '../graph/types';
import type { CompiledGraph } from './compile';

type Tf = typeof tfType;

export interface Scores {
  /** Input → the output before the final `activation` (the output itself when the graph does not end in it). */
  readonly model: tfType.LayersModel;
  /** The final layer `model` stops before, or null when the graph does not end in it. */
  readonly activation: 'softmax' | 'sigmoid' | null;
}

/** The model of the scores before a final softmax (classifiers, segmentation) or sigmoid (reconstruction). */
export function scoresBefore(tf: Tf, compiled: CompiledGraph, activation: 'softmax' | 'sigmoid'): Scores {
  if (activation === 'softmax') return { model: compiled.logitsModel, activation: compiled.endsInSoftmax ? 'softmax' : null };
  const output = compiled.check.nodes[compiled.check.outputIds[0]!]!;
  if (output.type !== activation) return { model: compiled.model, activation: null };
  return { model: nodeModel(tf, compiled, output.inputs[0]!), activation };
}

/** Input → the output of node `id`. */
export function nodeModel(tf: Tf, compiled: CompiledGraph, id: NodeId): tfType.LayersModel {
  const input = compiled.nodeOutputs.get(compiled.check.inputId!)!;
  const at = compiled.nodeOutputs.get(id);
  if (!at) throw new Error(`node ${id} is not part of the compiled model`);
  return tf.model({ inputs: input, outputs: at, name: `netcanvas_at_${compiled.layerNames.get(id) ?? 'node'}` });
}
