import type { NodeId, Shape } from '../graph/types';
import type { ReceptiveField } from '../layers/conv-math';
import type { WeightSpec } from '../layers/spec';
import type { Diagnostic } from './diagnostics';

/**
 * `ok`: everything about the node is known. `error`: the node itself is wrong (see diagnostics).
 * `unknown`: it depends on a broken or disconnected node, so nothing is reported for it again.
 */
export type NodeStatus = 'ok' | 'error' | 'unknown';

export interface NodeReport {
  readonly id: NodeId;
  readonly type: string;
  readonly status: NodeStatus;
  /** Input shapes in port order (null where unknown). */
  readonly inputShapes: readonly (Shape | null)[];
  readonly outputShape: Shape | null;
  /** The tensors it keeps, from the layer's spec (roles, shapes, trainable, decayed); [] unless `ok`. */
  readonly weights: readonly WeightSpec[];
  /** Trainable parameters (the trainable weights' sizes summed; 0 for a frozen node). */
  readonly params: number;
  /** Whether training changes its weights (the node's `trainable`, else its layer's default). */
  readonly trainable: boolean;
  /** Parameters the layer would learn but keeps fixed because the node is frozen (Keras's "non-trainable"). */
  readonly frozenParams: number;
  /** Multiply-accumulates per sample. */
  readonly macs: number;
  readonly receptiveField: ReceptiveField | null;
  /** Elements in the output per sample (multiply by batch × 4 bytes for float32 memory). */
  readonly activationSize: number;
  /** Params with defaults filled in; what compilers and exporters should read. */
  readonly resolvedParams: Readonly<Record<string, unknown>>;
  /** Ids of the nodes feeding this one, in port order. */
  readonly inputs: readonly NodeId[];
}

export interface CheckResult {
  /** True when there is no error (warnings allowed). */
  readonly ok: boolean;
  readonly nodes: Readonly<Record<NodeId, NodeReport>>;
  /** Reachable nodes in a topological order: the order compilers build layers in. */
  readonly order: readonly NodeId[];
  readonly inputId: NodeId | null;
  /** Reachable nodes nothing reads from; the first is the model's output. */
  readonly outputIds: readonly NodeId[];
  readonly totals: { readonly params: number; readonly frozenParams: number; readonly macs: number; readonly activationSize: number };
  readonly diagnostics: readonly Diagnostic[];
}
