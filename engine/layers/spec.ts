/**
 * What every layer module declares. The checker, palette, inspector, compiler and exporters
 * read these through the registry; none of them switches on a node type.
 */
import type { LayerProblem } from '../check/diagnostics';
import type { NodeId, Shape } from '../graph/types';
import type { ReceptiveField } from './conv-math';
import type { ParamSpecs } from './params';

/** Palette groups, in the order the palette shows them. */
export const CATEGORIES = [
  { id: 'input', label: 'Input' },
  { id: 'conv', label: 'Convolution & pooling' },
  { id: 'activation', label: 'Activations' },
  { id: 'regularisation', label: 'Regularisation' },
  { id: 'merge', label: 'Merge' },
  { id: 'dense', label: 'Dense & output' },
] as const;
export type Category = (typeof CATEGORIES)[number]['id'];

/** Facts about one node while checking: its resolved params and its inputs' shapes in port order. */
export interface LayerContext {
  readonly nodeId: NodeId;
  readonly params: Readonly<Record<string, unknown>>;
  readonly inputs: readonly Shape[];
}

export type ShapeOutcome = { readonly shape: Shape } | { readonly problem: LayerProblem };

/**
 * The names a layer's tensors go by, in checkpoints (engine/train/checkpoint.ts) and in every
 * exporter's weight mapping: tfjs's and Keras's own names for them.
 */
export type WeightRole = 'kernel' | 'bias' | 'gamma' | 'beta' | 'moving_mean' | 'moving_variance';

/** One tensor a layer keeps. Its shape is in the app's layout (tfjs, channels-last). */
export interface WeightSpec<R extends WeightRole = WeightRole> {
  readonly role: R;
  readonly shape: readonly number[];
  /** Learned by the optimizer; false: the layer updates it itself while training (batch norm's running statistics). */
  readonly trainable: boolean;
  /** The L2 penalty λ·Σw² of `training.weightDecay` / `layerWeightDecay` applies to it (kernels; not biases or γ/β). */
  readonly decayed: boolean;
  /**
   * How a fresh one starts: He-normal (fan-in: the product of every axis but the last), zeros, ones,
   * or `preset`: the values in `preset` (conv2d's hand-set `kernel`).
   */
  readonly init: 'heNormal' | 'zeros' | 'ones' | 'preset';
  /** With `init: 'preset'`: the values, row-major in `shape`. */
  readonly preset?: readonly number[];
}

/**
 * `R`: the roles the layer can carry. Leave it out for a layer without weights; a layer with weights
 * names them (`LayerSpec<'kernel' | 'bias'>`), and every exporter's weight table must then map each
 * of them (a compile error until it does).
 */
export interface LayerSpec<R extends WeightRole = never> {
  readonly type: string;
  /** Palette and node title. */
  readonly label: string;
  readonly category: Category;
  /** One line for the palette tooltip and inspector. */
  readonly doc: string;
  readonly params: ParamSpecs;
  /** How many inputs it takes; `max` may be Infinity for merges. */
  readonly arity: { readonly min: number; readonly max: number };
  /** Output shape, or a problem explained for a student. Inputs are known and in port order. */
  outputShape(ctx: LayerContext): ShapeOutcome;
  /** Field of one output unit, or null once the tensor is no longer spatial. */
  receptiveField(ctx: LayerContext, fields: readonly (ReceptiveField | null)[], output: Shape): ReceptiveField | null;
  /**
   * The tensors it keeps, in tfjs's order (the compiled layer's `weights`), from its params and
   * input shapes; [] when it has none. The trainer's weight decay, the checkpoint's expected
   * weights, the parameter count and every exporter's weight mapping are derived from this.
   */
  weights(ctx: LayerContext, output: Shape): readonly WeightSpec<R>[];
  /**
   * Its output keeps its input's layout: entry i sits where input entry i sat (element-wise maps,
   * softmax, add). Exporters follow a flatten's row order through such layers to the dense layer
   * that reads it.
   */
  readonly keepsLayout: boolean;
  /** Multiply-accumulates per sample. */
  macs(ctx: LayerContext, output: Shape): number;
  /**
   * For layers that behave differently while training and at test time (dropout, batch norm):
   * both behaviours with these params, in a sentence each, for the inspector.
   */
  trainVsTest?(params: Readonly<Record<string, unknown>>): { readonly training: string; readonly test: string };
  /**
   * Whether a node of this kind learns its weights when its `trainable` field is not written;
   * default true. A conv with a hand-set `kernel` is a fixed filter: false.
   */
  trainableByDefault?(params: Readonly<Record<string, unknown>>): boolean;
}

/** A spec of any layer kind, as the registry hands them out. */
export type AnyLayerSpec = LayerSpec<WeightRole>;

/** Defaults for layers that neither learn nor multiply; spread into a spec and override. */
export const NO_COST = {
  weights: () => [],
  macs: () => 0,
} as const;

/** A learned kernel (He-normal, decayed) and, with `useBias`, a bias per output unit (zeros, not decayed). */
export function kernelAndBias(kernel: readonly number[], useBias: unknown): WeightSpec<'kernel' | 'bias'>[] {
  const units = kernel[kernel.length - 1]!;
  const weights: WeightSpec<'kernel' | 'bias'>[] = [{ role: 'kernel', shape: kernel, trainable: true, decayed: true, init: 'heNormal' }];
  if (useBias) weights.push({ role: 'bias', shape: [units], trainable: true, decayed: false, init: 'zeros' });
  return weights;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Whether a node learns its weights: its `trainable` field when written, else its layer's default
 * (frozen nodes get no gradient, no optimizer slots and no weight decay; a frozen batch norm runs
 * as at test time, with its running statistics, and does not update them).
 */
export function nodeTrainable(
  node: { readonly trainable?: unknown },
  spec: AnyLayerSpec | undefined,
  params: Readonly<Record<string, unknown>>,
) {
  if (typeof node.trainable === 'boolean') return node.trainable;
  return spec?.trainableByDefault?.(params) ?? true;
}

/** A frozen node's weights: none learned by the optimizer, none decayed (their roles, shapes and starts unchanged). */
export const frozenWeights = <R extends WeightRole>(weights: readonly WeightSpec<R>[]): WeightSpec<R>[] =>
  weights.map((w) => ({ ...w, trainable: false, decayed: false }));

/** Trainable parameters, counted as PyTorch does (batchNorm: 2·C, its running statistics left out). */
export const trainableCount = (weights: readonly WeightSpec[]) => weights.reduce((n, w) => n + (w.trainable ? size(w.shape) : 0), 0);

export const isSpatial = (s: Shape | undefined): s is readonly [number, number, number] => s !== undefined && s.length === 3;

export function formatShape(shape: Shape | null | undefined): string {
  if (!shape) return '?';
  return shape.join('×');
}

/** The usual problem for layers that need `[H, W, C]`. */
export function needsSpatial(type: string, got: Shape): LayerProblem {
  return {
    code: 'needs-spatial',
    message: `${type} needs an image-shaped input [H, W, C], got the vector ${formatShape(got)}`,
  };
}
