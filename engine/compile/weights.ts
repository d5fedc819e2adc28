/**
 * The compiled model's variables, node by node, paired with what the layer registry says each node
 * keeps (`LayerSpec.weights`, carried in the checker's report). The trainer's weight decay, its
 * checkpoints and the filters view find weights through this, by role, so they agree with the
 * exporters, which read the same registry.
 *
 * @example
 *   const kernel = nodeWeights(compiled).get('c1')?.find((w) => w.spec.role === 'kernel')?.variable;
 */
import type * as tfType from '@tensorflow/tfjs';
import type { NodeId } from '../graph/types';
import type { WeightSpec } from '../layers/spec';
import type { CompiledGraph } from './compile';

export type LayerVariable = tfType.LayersModel['weights'][number];

export interface NodeWeight {
  readonly spec: WeightSpec;
  readonly variable: LayerVariable;
}

/** `lenet5/c1/kernel` or `c1/kernel_1` → `kernel` (tfjs scopes and uniquifies variable names). */
export function weightRole(variableName: string): string {
  const last = variableName.split('/').pop() ?? variableName;
  return last.replace(/_\d+$/, '');
}

/**
 * Every node with weights → its weights in the registry's order (tfjs's). Throws if the compiled
 * layer and the registry disagree: a programmer's error in a layer module or its builder.
 */
export function nodeWeights(compiled: CompiledGraph): ReadonlyMap<NodeId, readonly NodeWeight[]> {
  const out = new Map<NodeId, NodeWeight[]>();
  // One map, not a search of every layer per node (quadratic on a 10,000-layer graph).
  const layers = new Map(compiled.model.layers.map((l) => [l.name, l]));
  for (const [nodeId, name] of compiled.layerNames) {
    const specs = compiled.check.nodes[nodeId]?.weights ?? [];
    const variables = layers.get(name)?.weights ?? [];
    const byRole = new Map(variables.map((v) => [weightRole(v.originalName), v]));
    const paired = specs.map((spec) => {
      const variable = byRole.get(spec.role);
      if (!variable || variable.shape.join() !== spec.shape.join()) {
        const got = variables.map((v) => `${weightRole(v.originalName)} [${v.shape.join(', ')}]`).join(', ') || 'none';
        throw new Error(
          `node ${nodeId}: the layer registry declares ${spec.role} [${spec.shape.join(', ')}] but the compiled layer has ${got}`,
        );
      }
      return { spec, variable };
    });
    if (paired.length !== variables.length) {
      throw new Error(`node ${nodeId}: the compiled layer has ${variables.length} weights but the layer registry declares ${specs.length}`);
    }
    if (paired.length > 0) out.set(nodeId, paired);
  }
  return out;
}
