import { largestField } from './merge-common';
import { NO_COST, formatShape, isSpatial, type LayerSpec } from './spec';
import type { LayerProblem } from '../check/diagnostics';
import type { NodeId, Shape } from '../graph/types';

/** The 1×1 projection shortcut ResNets use when a block changes size or channel count. */
function projectionFix(nodeId: NodeId, port: number, from: Shape, to: Shape): LayerProblem['fix'] {
  if (!isSpatial(from) || !isSpatial(to)) return undefined;
  const stride = from[0] / to[0];
  if (!Number.isInteger(stride) || stride < 1 || from[1] / to[1] !== stride) return undefined;
  const params = { filters: to[2], kernelSize: 1, strides: stride };
  const detail = stride > 1 ? `, stride ${stride}` : '';
  return {
    label: `Insert a 1×1 conv (${to[2]} filters${detail}) on input ${port}`,
    action: { kind: 'insertBefore', nodeId, port, type: 'conv2d', params },
  };
}

/** Element-wise sum: the residual connection y = F(x) + x. */
export const add: LayerSpec = {
  type: 'add',
  label: 'Add (residual)',
  category: 'merge',
  doc: 'Sums two or more tensors of identical shape: the skip connection of a residual block.',
  params: {},
  arity: { min: 2, max: Infinity },
  outputShape(ctx) {
    const first = ctx.inputs[0]!;
    for (let port = 1; port < ctx.inputs.length; port++) {
      const other = ctx.inputs[port]!;
      if (other.length !== first.length || other.some((d, i) => d !== first[i])) {
        const fix = projectionFix(ctx.nodeId, port, other, first);
        return {
          problem: {
            code: 'add-shape-mismatch',
            message: `add needs inputs of identical shape: input 0 is ${formatShape(first)} but input ${port} is ${formatShape(other)}`,
            ...(fix ? { fix } : {}),
          },
        };
      }
    }
    return { shape: first };
  },
  receptiveField: (_ctx, fields) => largestField(fields),
  keepsLayout: true,
  ...NO_COST,
};
