/**
 * What every exporter starts from: the checker's verdict turned into an ordered list of steps,
 * each with its resolved params, its inputs in port order, their shapes and a readable identifier.
 * A graph with errors is refused here, once, with the checker's own messages.
 */
import { checkGraph } from '../check/checkGraph';
import type { Diagnostic } from '../check/diagnostics';
import type { CheckResult } from '../check/types';
import type { GraphDoc, NodeId, Shape } from '../graph/types';
import { isLayerType, type LayerType } from '../layers/registry';
import type { WeightSpec } from '../layers/spec';
import { uniqueIdentifiers } from './identifiers';

/** The graph cannot be exported; `diagnostics` are the checker's errors, as the canvas shows them. */
export class ExportError extends Error {
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

export interface Step {
  readonly id: NodeId;
  readonly type: LayerType;
  /** A Python/JS identifier from the node's label (or id), unique in the graph. */
  readonly name: string;
  readonly label: string | undefined;
  readonly params: Readonly<Record<string, unknown>>;
  /** Ids of the inputs in port order. */
  readonly inputs: readonly NodeId[];
  readonly inputShapes: readonly Shape[];
  readonly outputShape: Shape;
  /** What the node keeps, from the layer registry: roles in tfjs's order, shapes in the app's layout. */
  readonly weights: readonly WeightSpec[];
  /** False for a frozen node (its `trainable`, or a hand-set conv kernel): the exports mark its weights as not trained. */
  readonly trainable: boolean;
}

/** A node with weights that training leaves alone: PyTorch `requires_grad_(False)`, Keras `trainable=False`, tfjs `trainable = false`. */
export const frozenStep = (step: Step) => !step.trainable && step.weights.length > 0;

export interface ExportPlan {
  readonly doc: GraphDoc;
  readonly check: CheckResult;
  /** Topological order, input first. */
  readonly steps: readonly Step[];
  readonly byId: ReadonlyMap<NodeId, Step>;
  readonly input: Step;
  readonly output: Step;
}

function errorSummary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  // Checker messages usually name their node already; prefix the id only when they do not.
  const lines = errors.map((d) => (d.nodeId && !d.message.startsWith(`${d.nodeId}:`) ? `${d.nodeId}: ${d.message}` : d.message));
  return `the graph has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n  ${lines.join('\n  ')}`;
}

/**
 * Checks the graph and orders it for code generation; throws ExportError when it has errors. A
 * graph over NetCanvas's own training budget ('too-large': ImageNet-sized nets at batch 64) still
 * exports: the code is for machines that have the memory.
 */
export function planExport(doc: GraphDoc): ExportPlan {
  const check = checkGraph(doc);
  const blocking = check.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'too-large');
  if (blocking.length > 0) throw new ExportError(errorSummary(blocking), check.diagnostics);
  if (check.inputId === null || check.outputIds.length === 0) {
    throw new ExportError('the graph has no input or no output to export', check.diagnostics);
  }
  const labels = new Map(doc.nodes.map((n) => [n.id, typeof n.label === 'string' ? n.label : undefined]));
  const names = uniqueIdentifiers(check.order.map((id) => ({ id, label: labels.get(id) })));
  const steps: Step[] = check.order.map((id) => {
    const report = check.nodes[id]!;
    if (!isLayerType(report.type) || report.outputShape === null) {
      throw new ExportError(`node ${id} cannot be exported (type "${report.type}")`, check.diagnostics);
    }
    return {
      id,
      type: report.type,
      name: names.get(id)!,
      label: labels.get(id),
      params: report.resolvedParams,
      inputs: report.inputs,
      inputShapes: report.inputShapes.map((s) => s!),
      outputShape: report.outputShape,
      weights: report.weights,
      trainable: report.trainable,
    };
  });
  const byId = new Map(steps.map((s) => [s.id, s]));
  return { doc, check, steps, byId, input: byId.get(check.inputId)!, output: byId.get(check.outputIds[0]!)! };
}

/**
 * Only the nodes the output depends on are built; dangling side branches (warned about by the
 * checker) are left out. One pass backwards over the topological order: linear, no recursion.
 */
export function liveSteps(plan: ExportPlan): Step[] {
  const live = new Set<NodeId>([plan.output.id]);
  for (let i = plan.steps.length - 1; i >= 0; i--) {
    const step = plan.steps[i]!;
    if (live.has(step.id)) for (const from of step.inputs) live.add(from);
  }
  return plan.steps.filter((s) => live.has(s.id));
}

export const isImage = (shape: Shape): shape is readonly [number, number, number] => shape.length === 3;
