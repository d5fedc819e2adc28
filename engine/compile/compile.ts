/**
 * Graph document → tfjs LayersModel (functional API), built in the checker's topological order
 * from each node's resolved params. A graph with errors is refused with the checker's diagnostics.
 *
 * @example
 *   import * as tf from '@tensorflow/tfjs';
 *   const { model, layerNames } = compileGraph(doc, tf);
 *   model.predict(tf.zeros([1, 28, 28, 1]));
 */
import type * as tfType from '@tensorflow/tfjs';
import { checkGraph } from '../check/checkGraph';
import type { Diagnostic } from '../check/diagnostics';
import type { CheckResult } from '../check/types';
import type { GraphDoc, NodeId } from '../graph/types';
import { isLayerType } from '../layers/registry';
import { mulberry32 } from '../data/random';
import { BUILDERS, type Symbolic } from './builders';
import { customLayers, type BatchNormTrainingOp, type DropoutTrainingOp } from './customLayers';
import { nodeWeights } from './weights';

type Tf = typeof tfType;

/** The graph cannot be compiled; `diagnostics` are the checker's errors, as the canvas shows them. */
export class CompileError extends Error {
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    super(message);
    this.name = 'CompileError';
  }
}

export interface CompiledGraph {
  /** Input → the graph's output node (probabilities when the graph ends in softmax). */
  readonly model: tfType.LayersModel;
  /**
   * Input → the scores before a final softmax (the same layers, shared with `model`): training
   * uses it with a softmax cross-entropy that is stable for large scores. Equals `model` when the
   * graph does not end in softmax.
   */
  readonly logitsModel: tfType.LayersModel;
  /** True when `model`'s output is already a softmax (so its output is probabilities). */
  readonly endsInSoftmax: boolean;
  /** tfjs layer name of each compiled node, by node id (ids are sanitised for tfjs where needed). */
  readonly layerNames: ReadonlyMap<NodeId, string>;
  /** Each node's output in the model (engine/inspect builds sub-models from these: feature maps). */
  readonly nodeOutputs: ReadonlyMap<NodeId, tfType.SymbolicTensor>;
  readonly check: CheckResult;
}

/** tfjs names allow [A-Za-z0-9][-A-Za-z0-9._/]*; other ids get a safe, still unique name. */
function safeNames(ids: readonly NodeId[]): Map<NodeId, string> {
  const names = new Map<NodeId, string>();
  const taken = new Set<string>();
  for (const id of ids) {
    let name = /^[A-Za-z0-9][-A-Za-z0-9._]*$/.test(id) ? id : `n_${id.replace(/[^-A-Za-z0-9._]/g, '_')}`;
    while (taken.has(name)) name = `${name}_`;
    taken.add(name);
    names.set(id, name);
  }
  return names;
}

function errorSummary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors.slice(0, 3).map((d) => d.message);
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return `the graph has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${first.join('; ')}${more}`;
}

export interface CompileOptions {
  /** Seeds the initialisers and dropout masks (the graph's `training.seed`). */
  readonly seed?: number;
  /** The backend's own training-mode batch norm (WebGPU's fused kernels); default: tfjs ops. */
  readonly batchNormTraining?: BatchNormTrainingOp;
  /** The backend's own training-mode dropout (WebGPU draws its masks on the GPU); default: tfjs ops. */
  readonly dropoutTraining?: DropoutTrainingOp;
}

export function compileGraph(doc: GraphDoc, tf: Tf, options: CompileOptions = {}): CompiledGraph {
  const check = checkGraph(doc);
  if (!check.ok) throw new CompileError(errorSummary(check.diagnostics), check.diagnostics);
  if (check.inputId === null || check.outputIds.length === 0) {
    throw new CompileError('the graph has no input or no output to compile', check.diagnostics);
  }
  const random = mulberry32(options.seed ?? 42);
  const nextSeed = () => Math.floor(random() * 2 ** 31);
  const custom = customLayers(tf, { batchNormTraining: options.batchNormTraining, dropoutTraining: options.dropoutTraining });
  const names = safeNames(check.order);
  const tensors = new Map<NodeId, Symbolic>();

  for (const id of check.order) {
    const report = check.nodes[id]!;
    const name = names.get(id)!;
    if (report.type === 'input') {
      tensors.set(id, tf.input({ shape: [...(report.resolvedParams.shape as number[])], name }));
      continue;
    }
    if (!isLayerType(report.type)) throw new CompileError(`node ${id} has the unknown type "${report.type}"`, check.diagnostics);
    const inputs = report.inputs.map((from) => tensors.get(from)!);
    const output = BUILDERS[report.type]({
      tf,
      name,
      params: report.resolvedParams,
      inputs,
      nextSeed,
      custom,
      trainable: report.trainable,
    });
    // Before the next node is built, so a layer after frozen ones knows no gradient reaches them.
    if (!report.trainable) output.sourceLayer.trainable = false;
    tensors.set(id, output);
  }

  const outputId = check.outputIds[0]!;
  const output = tensors.get(outputId)!;
  const input = tensors.get(check.inputId)!;
  const model = tf.model({ inputs: input, outputs: output, name: 'netcanvas' });
  const outputNode = check.nodes[outputId]!;
  const endsInSoftmax = outputNode.type === 'softmax';
  const logitsModel = endsInSoftmax
    ? tf.model({ inputs: input, outputs: tensors.get(outputNode.inputs[0]!)!, name: 'netcanvas_logits' })
    : model;
  const compiled = { model, logitsModel, endsInSoftmax, layerNames: names, nodeOutputs: tensors, check };
  setPresetWeights(tf, compiled);
  return compiled;
}

/** Hand-set kernels (conv2d's `kernel`) start as their values instead of the initialiser's draw. */
export function setPresetWeights(tf: Tf, compiled: CompiledGraph, only?: (nodeId: NodeId) => boolean): void {
  for (const [nodeId, weights] of nodeWeights(compiled)) {
    if (only && !only(nodeId)) continue;
    for (const { spec, variable } of weights) {
      if (spec.init !== 'preset' || !spec.preset) continue;
      const value = tf.tensor(spec.preset as number[], [...spec.shape], 'float32');
      variable.write(value);
      value.dispose();
    }
  }
}
