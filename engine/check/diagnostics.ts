/**
 * The diagnostic catalogue. Every problem the checker can report has a stable code here, so the
 * UI, the CLI's JSON and tests can key on it; messages are built where the facts are known and
 * always name the parameter and the value received.
 */
import type { NodeId } from '../graph/types';

export const DIAGNOSTICS = {
  'no-input': { severity: 'error', title: 'The graph has no input node' },
  'several-inputs': { severity: 'error', title: 'The graph has more than one input node' },
  'duplicate-id': { severity: 'error', title: 'Two nodes share an id' },
  'unknown-type': { severity: 'error', title: 'Unknown node type' },
  'invalid-param': { severity: 'error', title: 'A parameter has an invalid value' },
  'unknown-param': { severity: 'warning', title: 'A parameter this layer does not have' },
  'edge-missing-node': { severity: 'error', title: 'An edge names a node that does not exist' },
  'duplicate-port': { severity: 'error', title: 'Two edges feed the same input port' },
  cycle: { severity: 'error', title: 'The graph has a cycle' },
  'missing-input': { severity: 'error', title: 'A node has too few inputs' },
  'extra-input': { severity: 'error', title: 'A node has too many inputs' },
  unreachable: { severity: 'warning', title: 'A node is not reached from the input' },
  'several-outputs': { severity: 'error', title: 'The graph ends in several places and none is marked as the output' },
  'unused-branch': { severity: 'warning', title: 'A branch does not lead to the output' },
  'output-missing': { severity: 'error', title: 'The declared output is not a node connected to the input' },
  'nothing-to-train': { severity: 'error', title: 'Nothing is connected after the input' },
  'invalid-training': { severity: 'error', title: 'A training setting has an invalid value' },
  'input-dataset-mismatch': { severity: 'error', title: "The input's shape is not the dataset's samples'" },
  'output-not-classes': { severity: 'error', title: 'The output is not one score per class' },
  'classes-mismatch': { severity: 'error', title: "The output's size is not the dataset's number of classes" },
  'learning-rate-high': { severity: 'warning', title: 'The learning rate is far above what this optimizer usually takes' },
  'needs-spatial': { severity: 'error', title: 'A spatial layer received a vector' },
  'dense-on-spatial': { severity: 'error', title: 'A dense layer received an image-shaped tensor' },
  'window-too-large': { severity: 'error', title: 'A kernel or pool window is larger than its input' },
  'add-shape-mismatch': { severity: 'error', title: 'Inputs of an add differ in shape' },
  'concat-spatial-mismatch': { severity: 'error', title: 'Inputs of a concat differ in height or width' },
  'concat-rank-mismatch': { severity: 'error', title: 'Inputs of a concat differ in rank' },
  'jump-mismatch': { severity: 'warning', title: 'Merged inputs step across the image at different rates' },
  'too-large': { severity: 'error', title: 'The graph needs more memory or arithmetic than NetCanvas trains with' },
  'beyond-limits': { severity: 'error', title: 'A shape or count is too large to be represented at all' },
  'task-output': { severity: 'error', title: 'The output does not fit the training task' },
  'task-activation': { severity: 'warning', title: 'The output does not end in the task’s activation' },
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTICS;
export type Severity = 'error' | 'warning';

/** A one-click repair, as data: the UI and CLI apply it with `applyFix` from engine/graph/edits. */
export type FixAction =
  | {
      readonly kind: 'insertBefore';
      readonly nodeId: NodeId;
      readonly port: number;
      readonly type: string;
      readonly params?: Record<string, unknown>;
    }
  | { readonly kind: 'setParam'; readonly nodeId: NodeId; readonly param: string; readonly value: unknown }
  | { readonly kind: 'removeParam'; readonly nodeId: NodeId; readonly param: string }
  | { readonly kind: 'removeEdge'; readonly source: NodeId; readonly target: NodeId }
  | { readonly kind: 'removeNode'; readonly nodeId: NodeId }
  | { readonly kind: 'removeNodes'; readonly nodeIds: readonly NodeId[] }
  /** Marks the node as the graph's output (the document's `output`). */
  | { readonly kind: 'setOutput'; readonly nodeId: NodeId }
  /** New layers in a chain, between `nodeId` and what it feeds ('after'), or on its input port 0 ('before'). */
  | {
      readonly kind: 'insertChain';
      readonly nodeId: NodeId;
      readonly where: 'before' | 'after';
      readonly layers: readonly { readonly type: string; readonly params?: Record<string, unknown> }[];
    }
  /** A training-config field ("learningRate"), set in the document's `training`. */
  | { readonly kind: 'setTraining'; readonly field: string; readonly value: unknown }
  /** A new node fed by `nodeId` (the graph's output), which becomes the new output. */
  | { readonly kind: 'appendAfter'; readonly nodeId: NodeId; readonly type: string; readonly params?: Record<string, unknown> };

export interface Fix {
  /** What the button says, e.g. "Insert a flatten before d1". */
  readonly label: string;
  readonly action: FixAction;
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly nodeId: NodeId | null;
  readonly message: string;
  readonly param?: string;
  readonly fix?: Fix;
  /** Other ways out, when there is more than one (delete the stray branch, or make it the output). */
  readonly moreFixes?: readonly Fix[];
}

/** A layer's complaint before the checker attaches the node id and severity. */
export interface LayerProblem {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly param?: string;
  readonly fix?: Fix;
}

export function diagnostic(
  code: DiagnosticCode,
  nodeId: NodeId | null,
  message: string,
  extra?: { param?: string; fix?: Fix; moreFixes?: readonly Fix[] },
): Diagnostic {
  return { code, severity: DIAGNOSTICS[code].severity, nodeId, message, ...extra };
}
