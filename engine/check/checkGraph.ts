import { idRecord } from '../graph/records';
import { resolveTrainingConfig } from '../graph/training';
import type { GraphDoc, GraphNode, NodeId, Shape } from '../graph/types';
import type { ReceptiveField } from '../layers/conv-math';
import { closestName, resolveParams } from '../layers/params';
import { LAYER_TYPES, getLayer } from '../layers/registry';
import {
  formatShape,
  frozenWeights,
  nodeTrainable,
  trainableCount,
  type AnyLayerSpec,
  type LayerContext,
  type WeightSpec,
} from '../layers/spec';
import { budgetDiagnostics, type BudgetOptions } from './budgets';
import { datasetProblems, type DatasetInfo } from './dataset';
import { diagnostic, type Diagnostic } from './diagnostics';
import { chooseOutput } from './outputs';
import { trainingAdvice } from './training-advice';
import { analyseTopology, reachableFrom } from './topology';
import { checkTask } from '../task/check';
import type { CheckResult, NodeReport, NodeStatus } from './types';

interface Prepared {
  readonly node: GraphNode;
  readonly spec: AnyLayerSpec | undefined;
  readonly values: Record<string, unknown>;
  readonly valid: boolean;
}

/** Layer lookup and parameter validation, reported for every node whether reachable or not. */
function prepare(node: GraphNode, out: Diagnostic[]): Prepared {
  const spec = getLayer(node.type);
  if (!spec) {
    const hint = closestName(node.type, LAYER_TYPES);
    const known = hint ? `; did you mean "${hint}"?` : `; known types: ${LAYER_TYPES.join(', ')}`;
    out.push(diagnostic('unknown-type', node.id, `${node.id} has the unknown type "${node.type}"${known}`));
    return { node, spec, values: {}, valid: false };
  }
  const resolved = resolveParams(spec.params, node.params ?? {});
  for (const p of resolved.problems) {
    out.push(diagnostic('invalid-param', node.id, `${node.id}.params.${p.param}: ${p.message}`, { param: p.param }));
  }
  for (const name of resolved.unknown) {
    const hint = closestName(name, Object.keys(spec.params));
    out.push(
      diagnostic(
        'unknown-param',
        node.id,
        `${node.type} has no parameter "${name}"${hint ? `; did you mean "${hint}"?` : ''} (it is ignored)`,
        {
          param: name,
          fix: { label: `Remove "${name}"`, action: { kind: 'removeParam', nodeId: node.id, param: name } },
        },
      ),
    );
  }
  return { node, spec, values: resolved.values, valid: resolved.problems.length === 0 };
}

function report(
  p: Prepared,
  status: NodeStatus,
  inputs: readonly NodeId[],
  inputShapes: readonly (Shape | null)[],
  rest?: {
    outputShape: Shape;
    weights: readonly WeightSpec[];
    params: number;
    frozenParams: number;
    macs: number;
    receptiveField: ReceptiveField | null;
  },
): NodeReport {
  return {
    id: p.node.id,
    type: p.node.type,
    status,
    inputs,
    inputShapes,
    outputShape: rest?.outputShape ?? null,
    weights: rest?.weights ?? [],
    params: rest?.params ?? 0,
    trainable: nodeTrainable(p.node, p.spec, p.values),
    frozenParams: rest?.frozenParams ?? 0,
    macs: rest?.macs ?? 0,
    receptiveField: rest?.receptiveField ?? null,
    activationSize: rest ? rest.outputShape.reduce((a, b) => a * b, 1) : 0,
    resolvedParams: p.values,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface CheckOptions extends BudgetOptions {
  /** The graph's dataset, when known: its input and output are then checked against it. */
  readonly dataset?: DatasetInfo | null;
}

/**
 * Derives everything the canvas shows from a document: per-node shapes, receptive fields,
 * parameter and MAC counts, and every problem in one pass. Nodes downstream of a broken one
 * are `unknown` rather than reported again. Never throws on a malformed graph.
 *
 * @example
 *   const r = checkGraph(doc);
 *   r.nodes.c1.outputShape   // [28, 28, 6]
 *   r.diagnostics            // [{ code: 'dense-on-spatial', nodeId: 'd1', fix: {...} }]
 */
export function checkGraph(doc: GraphDoc, options: CheckOptions = {}): CheckResult {
  const diagnostics: Diagnostic[] = [];
  const prepared = new Map<NodeId, Prepared>();
  for (const node of doc.nodes) {
    if (prepared.has(node.id)) {
      diagnostics.push(
        diagnostic('duplicate-id', node.id, `two nodes have the id "${node.id}"; ids must be unique (the second is ignored)`),
      );
      continue;
    }
    prepared.set(node.id, prepare(node, diagnostics));
  }

  const topo = analyseTopology(doc, new Set(prepared.keys()), diagnostics);
  const inputs = [...prepared.values()].filter((p) => p.node.type === 'input').map((p) => p.node.id);
  if (inputs.length === 0 && prepared.size > 0) {
    diagnostics.push(diagnostic('no-input', null, 'the graph has no input node; add one and set its shape (e.g. [28, 28, 1] for MNIST)'));
  }
  if (doc.nodes.length === 0) {
    diagnostics.push(
      diagnostic('no-input', null, 'the graph is empty: add an input node (e.g. shape [28, 28, 1] for MNIST) and layers after it'),
    );
  }
  for (const extra of inputs.slice(1)) {
    diagnostics.push(
      diagnostic(
        'several-inputs',
        extra,
        `the graph has ${inputs.length} input nodes (${inputs.join(', ')}); a NetCanvas graph has exactly one`,
        {
          fix: { label: `Delete ${extra}`, action: { kind: 'removeNode', nodeId: extra } },
        },
      ),
    );
  }
  const inputId = inputs[0] ?? null;
  const reachable = reachableFrom(inputId ? [inputId] : [], topo.outgoing);

  const nodes = idRecord<NodeReport>();
  const fields = new Map<NodeId, ReceptiveField | null>();
  const order: NodeId[] = [];
  const totals = { params: 0, frozenParams: 0, macs: 0, activationSize: 0 };
  // Counting "the N nodes after it" walks downstream of every disconnected start; past this many
  // visits in all (thousands of starts feeding one long chain) the counts are left out.
  let countBudget = 1_000_000;

  for (const id of topo.order) {
    const p = prepared.get(id)!;
    const ins = topo.incoming.get(id)!;
    const inShapes = ins.map((src) => nodes[src]?.outputShape ?? null);
    if (!reachable.has(id)) {
      nodes[id] = report(p, 'unknown', ins, inShapes);
      // Report only where a disconnected part begins, not every node after it.
      if (!ins.some((src) => !reachable.has(src)) && p.node.type !== 'input') {
        const after = countBudget > 0 ? countDownstream(id, topo.outgoing) - 1 : 0;
        countBudget -= after + 1;
        const tail = after > 0 ? ` (nor ${after === 1 ? 'is the node' : `are the ${after} nodes`} after it)` : '';
        diagnostics.push(diagnostic('unreachable', id, `${id} is not connected to the input${tail}; it is ignored when training`));
      }
      continue;
    }
    order.push(id);
    const spec = p.spec;
    if (!spec || !p.valid) {
      nodes[id] = report(p, 'error', ins, inShapes);
      continue;
    }
    if (ins.length < spec.arity.min || ins.length > spec.arity.max) {
      const code = ins.length < spec.arity.min ? 'missing-input' : 'extra-input';
      const want =
        spec.arity.max === 0
          ? 'no inputs'
          : spec.arity.max === Infinity
            ? `at least ${spec.arity.min} inputs`
            : plural(spec.arity.max, 'input');
      diagnostics.push(diagnostic(code, id, `${id} (${spec.type}) takes ${want} but has ${ins.length}`));
      nodes[id] = report(p, 'error', ins, inShapes);
      continue;
    }
    if (inShapes.some((s) => s === null)) {
      nodes[id] = report(p, 'unknown', ins, inShapes);
      continue;
    }
    const ctx: LayerContext = { nodeId: id, params: p.values, inputs: inShapes as Shape[] };
    const outcome = spec.outputShape(ctx);
    if ('problem' in outcome) {
      const { code, message, param, fix } = outcome.problem;
      diagnostics.push(diagnostic(code, id, `${id}: ${message}`, { ...(param ? { param } : {}), ...(fix ? { fix } : {}) }));
      nodes[id] = report(p, 'error', ins, inShapes);
      continue;
    }
    const inFields = ins.map((src) => fields.get(src) ?? null);
    warnOnJumpMismatch(id, ins, inFields, diagnostics);
    const receptiveField = spec.receptiveField(ctx, inFields, outcome.shape);
    fields.set(id, receptiveField);
    const own = spec.weights(ctx, outcome.shape);
    const trainable = nodeTrainable(p.node, spec, p.values);
    const weights = trainable ? own : frozenWeights(own);
    const rest = {
      outputShape: outcome.shape,
      weights,
      params: trainableCount(weights),
      frozenParams: trainable ? 0 : trainableCount(own),
      macs: spec.macs(ctx, outcome.shape),
      receptiveField,
    };
    nodes[id] = report(p, 'ok', ins, inShapes, rest);
    totals.params += rest.params;
    totals.frozenParams += rest.frozenParams;
    totals.macs += rest.macs;
    totals.activationSize += nodes[id].activationSize;
  }
  for (const id of topo.blocked) nodes[id] = report(prepared.get(id)!, 'unknown', topo.incoming.get(id)!, []);

  const outputs = chooseOutput(doc, order, topo.incoming, topo.outgoing, (id) => prepared.get(id)!.node.type === 'input');
  diagnostics.push(...outputs.diagnostics);
  const { outputIds } = outputs;
  if (options.dataset) diagnostics.push(...datasetProblems(doc, options.dataset, nodes, inputId, outputIds[0]));
  diagnostics.push(...trainingAdvice(doc));
  // The training settings are the trainer's first check: a graph that passes here must pass there.
  const training = resolveTrainingConfig(doc.training);
  if (!training.ok) diagnostics.push(diagnostic('invalid-training', null, training.error));
  // What cannot be built is checked last, over the shapes worked out above.
  diagnostics.push(...budgetDiagnostics(nodes, order, training.ok ? training.config : null, options));
  diagnostics.push(...checkTask(doc, { nodes, inputId, outputIds }));
  return {
    ok: !diagnostics.some((d) => d.severity === 'error'),
    nodes,
    order,
    inputId,
    outputIds,
    totals,
    diagnostics,
  };
}

function warnOnJumpMismatch(id: NodeId, ins: readonly NodeId[], fields: readonly (ReceptiveField | null)[], out: Diagnostic[]): void {
  if (fields.length < 2 || fields.some((f) => !f)) return;
  const first = fields[0]!;
  const odd = fields.findIndex((f) => f!.jump[0] !== first.jump[0] || f!.jump[1] !== first.jump[1]);
  if (odd < 0) return;
  out.push(
    diagnostic(
      'jump-mismatch',
      id,
      `${id} merges ${ins[0]} (units ${formatShape(first.jump)} input pixels apart) with ${ins[odd]} (${formatShape(fields[odd]!.jump)} apart); neighbouring units of the two inputs look at different places`,
    ),
  );
}

function countDownstream(id: NodeId, outgoing: Map<NodeId, NodeId[]>): number {
  return reachableFrom([id], outgoing).size;
}
