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

export interface LayerSpec {
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
  /** Trainable parameters, counted as PyTorch does (batchNorm: 2·C). */
  trainableParams(ctx: LayerContext, output: Shape): number;
  /** Multiply-accumulates per sample. */
  macs(ctx: LayerContext, output: Shape): number;
  /**
   * For layers that behave differently while training and at test time (dropout, batch norm):
   * both behaviours with these params, in a sentence each, for the inspector.
   */
  trainVsTest?(params: Readonly<Record<string, unknown>>): { readonly training: string; readonly test: string };
}

/** Defaults for layers that neither learn nor multiply; spread into a spec and override. */
export const NO_COST = {
  trainableParams: () => 0,
  macs: () => 0,
} as const;

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
