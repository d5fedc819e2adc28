/**
 * Weights for an export, in the trainer's checkpoint format (engine/train/checkpoint.ts,
 * "netcanvas.weights" v1: per node id, a list of `{name, shape, dtype, data}` with little-endian
 * float32 data in base64), so a checkpoint from `netcanvas train` exports as is and weights saved
 * by an exported script load back into the app. Which tensors each layer keeps, by role, and their
 * shapes in the app's tfjs (channels-last) layouts come from the layer registry (`LayerSpec.weights`):
 *
 *   conv2d    kernel [kh, kw, cin, cout] (HWIO), bias [cout]
 *   dense     kernel [in, out], bias [out]; `in` is in the app's flatten order (H, W, C row-major)
 *   batchNorm gamma, beta, moving_mean, moving_variance, each [C]
 *
 * Each exporter maps every role to its own layout in one table typed over the registry. Pure TS (no Buffer), so
 * the renderer's code panel can export too.
 */
import { mulberry32 } from '../data/random';
import { base64ToFloats, floatsToBase64 } from './base64';
import type { NodeId } from '../graph/types';
import type { ExportPlan, Step } from './plan';
import { ExportError } from './plan';

export interface WeightTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** One node's tensors by role (kernel, bias, gamma, beta, moving_mean, moving_variance). */
export type LayerWeights = Readonly<Record<string, WeightTensor>>;

export interface WeightsFile {
  readonly layers: Readonly<Record<NodeId, LayerWeights>>;
}

/** The tensors a step carries (the layer registry's), by role, with shapes in the app's layout. */
export function expectedWeights(step: Step): Record<string, readonly number[]> {
  return Object.fromEntries(step.weights.map((w) => [w.role, w.shape]));
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Throws ExportError naming the node and tensor when the weights do not fit the graph. */
export function checkWeightsFit(plan: ExportPlan, weights: WeightsFile): void {
  for (const step of plan.steps) {
    for (const [name, shape] of Object.entries(expectedWeights(step))) {
      const t = weights.layers[step.id]?.[name];
      if (!t) throw new ExportError(`the weights have no ${name} for node ${step.id} (were they saved from a different graph?)`);
      if (t.shape.join() !== shape.join() || t.data.length !== size(shape)) {
        throw new ExportError(
          `node ${step.id} ${name}: the weights are [${t.shape.join(', ')}] but the graph needs [${shape.join(', ')}]; the graph changed since they were saved`,
        );
      }
    }
  }
}

/**
 * Fresh weights for a graph nobody has trained yet, started as the layer registry says (He-normal
 * kernels, as the app initialises them; zero biases; γ = 1, β = 0 and the identity's running
 * statistics; a hand-set conv kernel as its values). Seeded, so exports repeat.
 */
export function initialWeights(plan: ExportPlan, seed = 42): WeightsFile {
  const random = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const layers: Record<NodeId, Record<string, WeightTensor>> = {};
  for (const step of plan.steps) {
    if (step.weights.length === 0) continue;
    layers[step.id] = Object.fromEntries(
      step.weights.map(({ role, shape, init, preset }) => {
        if (init === 'preset' && preset) return [role, { shape, data: Float32Array.from(preset) }];
        const std = init === 'heNormal' ? Math.sqrt(2 / size(shape.slice(0, -1))) : 0;
        const fill = init === 'ones' ? 1 : 0;
        return [role, { shape, data: Float32Array.from({ length: size(shape) }, () => (std ? normal() * std : fill)) }];
      }),
    );
  }
  return { layers };
}

/** The checkpoint JSON text (the trainer's format), written as weights.json beside an export. */
export function serializeWeights(weights: WeightsFile, graphName = ''): string {
  const layers: Record<string, { name: string; shape: number[]; dtype: 'float32'; data: string }[]> = {};
  for (const [id, tensors] of Object.entries(weights.layers)) {
    layers[id] = Object.entries(tensors).map(([name, t]) => ({
      name,
      shape: [...t.shape],
      dtype: 'float32',
      data: floatsToBase64(t.data),
    }));
  }
  return JSON.stringify({ format: 'netcanvas.weights', version: 1, graphName, savedAt: new Date().toISOString(), layers });
}

/** Reads a checkpoint (from `netcanvas train`, the app or an exported script); throws ExportError with a plain message. */
export function parseWeights(text: string, source = 'the weights file'): WeightsFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ExportError(`${source} is not a NetCanvas checkpoint (not valid JSON)`);
  }
  const c = value as { format?: unknown; version?: unknown; layers?: unknown };
  if (c?.format !== 'netcanvas.weights' || c.version !== 1 || typeof c.layers !== 'object' || c.layers === null) {
    throw new ExportError(`${source} is not a NetCanvas checkpoint (expected format "netcanvas.weights", version 1)`);
  }
  const layers: Record<NodeId, Record<string, WeightTensor>> = {};
  for (const [id, list] of Object.entries(c.layers as Record<string, unknown>)) {
    if (!Array.isArray(list)) throw new ExportError(`${source}: the weights of node ${id} are not a list`);
    layers[id] = Object.fromEntries(
      list.map((w: { name?: unknown; shape?: unknown; data?: unknown }) => {
        if (typeof w?.name !== 'string' || !Array.isArray(w.shape) || typeof w.data !== 'string') {
          throw new ExportError(`${source}: node ${id} has a malformed weight entry`);
        }
        return [w.name, { shape: w.shape as number[], data: base64ToFloats(w.data) }];
      }),
    );
  }
  return { layers };
}

/**
 * The weights with every frozen hand-set kernel (conv2d's `kernel`) taken from the graph, as the
 * trainer's applyCheckpoint does: such a kernel is the graph's own, so edited after training it wins.
 */
export function withGraphDefinedWeights(plan: ExportPlan, weights: WeightsFile): WeightsFile {
  const layers: Record<NodeId, LayerWeights> = { ...weights.layers };
  for (const step of plan.steps) {
    for (const w of step.weights) {
      if (w.init !== 'preset' || w.trainable || !w.preset) continue;
      layers[step.id] = { ...layers[step.id], [w.role]: { shape: w.shape, data: Float32Array.from(w.preset) } };
    }
  }
  return { layers };
}
