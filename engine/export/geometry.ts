/**
 * Static facts exporters need beyond the checker's shapes: the exact padding of each window
 * (TensorFlow's "same" puts an odd extra pixel at the end, which most targets cannot say with one
 * symmetric number) and, for dense layers, the row order of their kernel after a flatten.
 */
import type { NodeId, Shape } from '../graph/types';
import { padBefore, padTotal } from '../layers/conv-math';
import { pair, type Padding } from '../layers/params';
import { LAYERS } from '../layers/registry';
import type { ExportPlan, Step } from './plan';

export interface Pads {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/** Pixels added on each side by a conv or pool window, as TensorFlow computes them. */
export function windowPads(step: Step): Pads {
  const input = step.inputShapes[0]!;
  const kernel = pair(step.type === 'conv2d' ? step.params.kernelSize : step.params.poolSize);
  const strides = pair(step.params.strides);
  const dilation = step.type === 'conv2d' ? pair(step.params.dilation) : ([1, 1] as const);
  const padding = step.params.padding as Padding;
  const axis = (i: 0 | 1) => {
    const before = padBefore(input[i]!, kernel[i], strides[i], dilation[i], padding);
    return [before, padTotal(input[i]!, kernel[i], strides[i], dilation[i], padding) - before] as const;
  };
  const [top, bottom] = axis(0);
  const [left, right] = axis(1);
  return { top, bottom, left, right };
}

export const isSymmetric = (p: Pads) => p.top === p.bottom && p.left === p.right;
export const hasPadding = (p: Pads) => p.top + p.bottom + p.left + p.right > 0;

/**
 * Where a vector's entries came from: a run of `[H, W, C]` flattened in the app's channels-last
 * order, or a run of plain features. Concatenated vectors have several segments.
 */
export type VectorSegment = { readonly image: readonly [number, number, number] } | { readonly features: number };

/**
 * For each dense layer fed (through layers that keep their input's layout, and concats) by a flatten of an image,
 * the segments of its input. Channels-first targets reorder those kernel rows from HWC to CHW.
 * Dense layers fed only by plain features are absent: their kernels need no reordering.
 */
export function denseInputSegments(plan: ExportPlan): Map<NodeId, VectorSegment[]> {
  const segments = new Map<NodeId, VectorSegment[]>();
  for (const step of plan.steps) {
    const out = step.outputShape;
    if (out.length !== 1) continue;
    const inputs = step.inputs.map((id) => segments.get(id) ?? [{ features: plan.byId.get(id)!.outputShape[0]! }]);
    if (step.type === 'flatten') {
      const s = step.inputShapes[0]!;
      segments.set(step.id, s.length === 3 ? [{ image: [s[0]!, s[1]!, s[2]!] }] : [{ features: out[0]! }]);
    } else if (step.type === 'concat') segments.set(step.id, inputs.flat());
    else if (LAYERS[step.type].keepsLayout) segments.set(step.id, inputs[0]!);
  }
  const result = new Map<NodeId, VectorSegment[]>();
  for (const step of plan.steps) {
    if (step.type !== 'dense') continue;
    const s = segments.get(step.inputs[0]!);
    if (s && s.some((seg) => 'image' in seg)) result.set(step.id, s);
  }
  return result;
}

export const shapeText = (s: Shape) => `[${s.join(', ')}]`;
