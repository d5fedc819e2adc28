/**
 * Structural checks: marked from the graph and the checker's report alone, so the Lesson panel
 * re-marks them on every edit and `netcanvas grade` marks them without training. Each verdict
 * carries a sentence that says what was found and what is wanted, in the lesson's terms.
 */
import type { CheckResult } from '../check/types';
import { resolveTrainingConfig } from '../graph/training';
import type { GraphDoc, NodeId } from '../graph/types';
import { formatShape } from '../layers/spec';
import { CHECK_KINDS } from './kinds';
import type { LessonCheck } from './schema';
import { article, boundsText, countText, numberText, plural, unitText, withinBounds } from './words';

export interface CheckVerdict {
  /** null: not marked (a trained check without a run). */
  readonly passed: boolean | null;
  readonly message: string;
}

const verdict = (passed: boolean, message: string): CheckVerdict => ({ passed, message });

/** Marks one structural check; `result` is `checkGraph(doc)`. */
export function evaluateStructuralCheck(check: LessonCheck, doc: GraphDoc, result: CheckResult): CheckVerdict {
  switch (check.kind) {
    case 'valid':
      return validVerdict(result);
    case 'receptiveField':
      return receptiveFieldVerdict(check, result);
    case 'params':
    case 'macs':
    case 'activations':
      return sizeVerdict(check, result);
    case 'count':
      return countVerdict(check, doc, result);
    case 'outputShape':
      return outputShapeVerdict(check, result);
    case 'path':
      return pathVerdict(check, doc);
    case 'layerWeightDecay':
      return weightDecayVerdict(check, doc, result);
    case 'training':
      return trainingVerdict(check, doc);
    default:
      throw new Error(`${check.kind} is not a structural check`);
  }
}

/** No errors, and the input reaches an output: the graph can be trained. */
function validVerdict(result: CheckResult): CheckVerdict {
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return verdict(false, `the graph has ${plural(errors.length, 'error')}; first: ${errors[0]!.message}`);
  if (result.inputId === null) return verdict(false, 'the graph has no input node');
  if (result.outputIds.length === 0)
    return verdict(false, 'nothing is connected to the input yet: connect layers from the input to the output');
  return verdict(true, 'the graph has no errors');
}

/** The node's report, or why there is none to measure. */
function reportOf(result: CheckResult, id: NodeId): { report: CheckResult['nodes'][string] } | { why: string } {
  const report = result.nodes[id];
  if (!report) return { why: `there is no node "${id}" in the graph` };
  if (!result.order.includes(id)) return { why: `${id} is not connected to the input` };
  if (report.status !== 'ok') return { why: `${id} cannot be measured until the problems before it are fixed` };
  return { report };
}

function receptiveFieldVerdict(check: LessonCheck, result: CheckResult): CheckVerdict {
  const found = reportOf(result, check.node!);
  if ('why' in found) return verdict(false, found.why);
  const field = found.report.receptiveField;
  const wanted = `${boundsText(check, countText)} pixels wanted`;
  if (!field) return verdict(false, `${check.node} no longer has a receptive field (its output is not an image); ${wanted}`);
  const [h, w] = field.size;
  const size = Math.min(h, w);
  const sees = `one unit of ${check.node} sees ${h}×${w} input pixels`;
  return verdict(withinBounds(size, check), `${sees}; ${wanted}`);
}

const SIZE_WORDS = { params: 'parameters', macs: 'multiply-accumulates per sample', activations: 'output values per sample' } as const;

function sizeVerdict(check: LessonCheck, result: CheckResult): CheckVerdict {
  const kind = check.kind as keyof typeof SIZE_WORDS;
  const words = SIZE_WORDS[kind];
  const show = unitText(CHECK_KINDS[kind].unit);
  let value: number;
  let subject: string;
  if (check.node !== undefined) {
    const found = reportOf(result, check.node);
    if ('why' in found) return verdict(false, found.why);
    const r = found.report;
    value = kind === 'params' ? r.params : kind === 'macs' ? r.macs : r.activationSize;
    subject = check.node;
  } else {
    const problems = result.diagnostics.some((d) => d.severity === 'error');
    value = kind === 'params' ? result.totals.params : kind === 'macs' ? result.totals.macs : result.totals.activationSize;
    subject = problems ? 'the graph (counting the nodes without errors)' : 'the graph';
  }
  return verdict(withinBounds(value, check), `${subject} has ${show(value)} ${words}; ${boundsText(check, show)} wanted`);
}

/** Counts nodes the input reaches: a stray node that takes no part in the network does not count. */
function countVerdict(check: LessonCheck, doc: GraphDoc, result: CheckResult): CheckVerdict {
  const type = check.type!;
  const reached = new Set(result.order);
  const count = doc.nodes.filter((n) => n.type === type && reached.has(n.id)).length;
  const stray = doc.nodes.filter((n) => n.type === type && !reached.has(n.id)).length;
  const note = stray > 0 ? ` (and ${countText(stray)} not connected to the input, which do not count)` : '';
  return verdict(
    withinBounds(count, check),
    `the network has ${plural(count, `${type} node`)}${note}; ${boundsText(check, countText)} wanted`,
  );
}

function outputShapeVerdict(check: LessonCheck, result: CheckResult): CheckVerdict {
  const id = check.node ?? result.outputIds[0];
  const want = check.value as readonly (number | null)[];
  const wantText = want.map((n) => (n === null ? 'any' : String(n))).join('×');
  if (id === undefined) return verdict(false, `the graph has no output yet; ${wantText} wanted`);
  const found = reportOf(result, id);
  if ('why' in found) return verdict(false, found.why);
  const shape = found.report.outputShape!;
  const ok = shape.length === want.length && want.every((n, i) => n === null || n === shape[i]);
  return verdict(ok, `${id} outputs ${formatShape(shape)}; ${wantText} wanted`);
}

/**
 * Is there a path from `from` to `to` with a node of type `through` strictly between them, and no
 * node of a type in `avoid` between them? Searched over (node, passed-through) states: linear.
 */
export function findPath(doc: GraphDoc, from: NodeId, to: NodeId, through?: string, avoid: readonly string[] = []): boolean {
  const types = new Map(doc.nodes.map((n) => [n.id, n.type]));
  if (!types.has(from) || !types.has(to)) return false;
  const next = new Map<NodeId, NodeId[]>();
  for (const e of doc.edges) if (types.has(e.source) && types.has(e.target)) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const avoided = new Set(avoid);
  const seen = new Set<string>();
  const stack: [NodeId, boolean][] = [[from, through === undefined]];
  while (stack.length > 0) {
    const [id, passed] = stack.pop()!;
    for (const target of next.get(id) ?? []) {
      if (target === to) {
        if (passed) return true;
        continue;
      }
      const type = types.get(target)!;
      if (avoided.has(type)) continue;
      const state: [NodeId, boolean] = [target, passed || type === through];
      const key = `${state[1] ? 1 : 0}:${target}`;
      if (seen.has(key)) continue;
      seen.add(key);
      stack.push(state);
    }
  }
  return false;
}

function pathVerdict(check: LessonCheck, doc: GraphDoc): CheckVerdict {
  const { from, to, through } = check as Required<Pick<LessonCheck, 'from' | 'to'>> & LessonCheck;
  const ids = new Set(doc.nodes.map((n) => n.id));
  for (const id of [from, to]) if (!ids.has(id)) return verdict(false, `there is no node "${id}" in the graph`);
  const avoid = check.avoid ?? [];
  const via = through ? ` through ${article(through)}` : '';
  const without = avoid.length > 0 ? ` without passing ${avoid.map(article).join(' or ')}` : '';
  return findPath(doc, from, to, through, avoid)
    ? verdict(true, `a path leads from ${from} to ${to}${via}${without}`)
    : verdict(false, `no path leads from ${from} to ${to}${via}${without} yet`);
}

function weightDecayVerdict(check: LessonCheck, doc: GraphDoc, result: CheckResult): CheckVerdict {
  const config = resolveTrainingConfig(doc.training);
  if (!config.ok) return verdict(false, config.error);
  const { weightDecay, layerWeightDecay } = config.config;
  const lambda = (id: NodeId) => layerWeightDecay[id] ?? weightDecay;
  const wanted = `${boundsText(check, numberText)} wanted`;
  if (check.node !== undefined) {
    if (!result.nodes[check.node]) return verdict(false, `there is no node "${check.node}" in the graph`);
    const value = lambda(check.node);
    return verdict(withinBounds(value, check), `λ_l of ${check.node} is ${numberText(value)}; ${wanted}`);
  }
  const layers = result.order.filter((id) => (result.nodes[id]?.params ?? 0) > 0);
  if (layers.length === 0) return verdict(false, `the network has no layer with weights yet; λ_l ${wanted}`);
  const off = layers.find((id) => !withinBounds(lambda(id), check));
  if (off) return verdict(false, `λ_l of ${off} is ${numberText(lambda(off))}; ${wanted} for every layer with weights`);
  return verdict(true, `every layer with weights has λ_l ${boundsText(check, numberText)}`);
}

/** A training field after defaults, by dotted path ("schedule.type"). */
function trainingValue(config: Record<string, unknown>, field: string): unknown {
  let value: unknown = config;
  for (const part of field.split('.'))
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const show = (v: unknown): string => (typeof v === 'number' ? numberText(v) : typeof v === 'string' ? v : JSON.stringify(v));

function trainingVerdict(check: LessonCheck, doc: GraphDoc): CheckVerdict {
  const config = resolveTrainingConfig(doc.training);
  if (!config.ok) return verdict(false, config.error);
  const field = check.field!;
  const value = trainingValue(config.config as unknown as Record<string, unknown>, field);
  const is = `${field} is ${value === undefined ? 'not set' : show(value)}`;
  if (check.value !== undefined) {
    const allowed = Array.isArray(check.value) && !Array.isArray(value) ? check.value : [check.value];
    const wanted = allowed.length === 1 ? show(allowed[0]) : `${allowed.slice(0, -1).map(show).join(', ')} or ${show(allowed.at(-1))}`;
    if (!allowed.some((a) => same(a, value))) return verdict(false, `${is}; ${wanted} wanted`);
  }
  if (check.min !== undefined || check.max !== undefined) {
    if (typeof value !== 'number') return verdict(false, `${is}; a number ${boundsText(check, numberText)} wanted`);
    if (!withinBounds(value, check)) return verdict(false, `${is}; ${boundsText(check, numberText)} wanted`);
  }
  return verdict(true, is);
}
