/**
 * The lock rules of a lesson, as one comparison of a document against the lesson as handed out.
 * The editor refuses any edit that would break one (whichever way the edit comes: canvas, inspector,
 * paste, the JSON view, undo), and the grader fails a submission that breaks one, whatever the
 * submission itself claims. What is locked:
 * - `locked.nodes`: the node stays, with its type, params and label; edges between two locked
 *   nodes stay as they are (it may still be moved, and unlocked nodes may connect to it);
 * - `locked.params`: the node stays with its type, and the named params keep their values
 *   (`trainable`, the node's own field, can be named like a param: whether the node learns);
 * - `locked.training`: the named training fields keep their values (defaults filled in);
 * - `palette`: a node not in the lesson as handed out must be of one of these types.
 */
import { resolveTrainingConfig } from '../graph/training';
import type { GraphDoc, GraphEdge, GraphNode, NodeId } from '../graph/types';
import { resolveParams } from '../layers/params';
import { getLayer } from '../layers/registry';
import { nodeTrainable } from '../layers/spec';
import type { Lesson } from './schema';

export interface LockViolation {
  readonly nodeId: NodeId | null;
  /** What differs, for a gradebook: "c1.filters was changed from 6 to 16, but the lesson locks it". */
  readonly found: string;
  /** Why an edit is refused, one line: "c1 is locked by the lesson: its filters cannot change". */
  readonly refusal: string;
}

/** JSON with sorted keys, so equal values compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const show = (v: unknown): string => (v === undefined ? 'unset' : JSON.stringify(v));

/** The node's params, defaults filled in, and whether it learns (`trainable`, locked with them). */
function paramValues(node: GraphNode): Record<string, unknown> {
  const spec = getLayer(node.type);
  if (!spec) return { ...node.params };
  const resolved = resolveParams(spec.params, node.params ?? {}).values;
  return { ...node.params, ...resolved, trainable: nodeTrainable(node, spec, resolved) };
}

/** What cannot happen to a locked node's param, in a refusal. */
const cannot = (param: string) => (param === 'trainable' ? 'it cannot be frozen or unfrozen' : `its ${param} cannot change`);

const edgeId = (e: GraphEdge): string => `${e.source}->${e.target}#${e.targetPort ?? ''}`;

/** The training config with defaults filled in when it is valid, else as written. */
function trainingValues(doc: GraphDoc): Record<string, unknown> {
  const resolved = resolveTrainingConfig(doc.training);
  return resolved.ok ? (resolved.config as unknown as Record<string, unknown>) : { ...(doc.training ?? {}) };
}

/**
 * Every way `candidate` breaks the locks of `lesson` relative to `reference` (the lesson's own
 * document as handed out), in a stable order; empty when it keeps them all.
 * @example lockViolations(lessonDoc, submission, lessonDoc.lesson!)[0]?.found // "in was deleted, but the lesson locks it"
 */
export function lockViolations(reference: GraphDoc, candidate: GraphDoc, lesson: Lesson): LockViolation[] {
  const out: LockViolation[] = [];
  const before = new Map(reference.nodes.map((n) => [n.id, n]));
  const after = new Map(candidate.nodes.map((n) => [n.id, n]));
  const locked = new Set((lesson.locked?.nodes ?? []).filter((id) => before.has(id)));

  for (const id of locked) {
    const was = before.get(id)!;
    const now = after.get(id);
    if (!now) {
      out.push({
        nodeId: id,
        found: `${id} was deleted, but the lesson locks it`,
        refusal: `${id} is locked by the lesson: it cannot be deleted`,
      });
      continue;
    }
    if (now.type !== was.type) {
      out.push({
        nodeId: id,
        found: `${id} was changed from ${was.type} to ${now.type}, but the lesson locks it`,
        refusal: `${id} is locked by the lesson: it cannot be changed`,
      });
      continue;
    }
    const a = paramValues(was);
    const b = paramValues(now);
    const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].find((p) => stableJson(a[p]) !== stableJson(b[p]));
    if (changed) {
      out.push({
        nodeId: id,
        found: `${id}.${changed} was changed from ${show(a[changed])} to ${show(b[changed])}, but the lesson locks ${id}`,
        refusal: `${id} is locked by the lesson: ${cannot(changed)}`,
      });
    }
    if ((was.label ?? '') !== (now.label ?? '')) {
      out.push({
        nodeId: id,
        found: `${id} was renamed, but the lesson locks it`,
        refusal: `${id} is locked by the lesson: it cannot be renamed`,
      });
    }
  }

  const lockedEdges = (doc: GraphDoc) => doc.edges.filter((e) => locked.has(e.source) && locked.has(e.target));
  const afterEdges = new Set(lockedEdges(candidate).map(edgeId));
  const beforeEdges = new Set(lockedEdges(reference).map(edgeId));
  for (const e of lockedEdges(reference)) {
    if (!afterEdges.has(edgeId(e))) {
      out.push({
        nodeId: e.target,
        found: `the connection ${e.source} → ${e.target} between locked nodes was removed`,
        refusal: `${e.source} → ${e.target} joins two locked nodes: it cannot be removed`,
      });
    }
  }
  for (const e of lockedEdges(candidate)) {
    if (!beforeEdges.has(edgeId(e))) {
      out.push({
        nodeId: e.target,
        found: `a connection ${e.source} → ${e.target} between locked nodes was added`,
        refusal: `${e.source} and ${e.target} are locked by the lesson: they cannot be rewired`,
      });
    }
  }

  for (const [id, names] of Object.entries(lesson.locked?.params ?? {})) {
    const was = before.get(id);
    if (!was) continue;
    const now = after.get(id);
    const what = names.length > 0 ? `its ${names.join(', ')}` : 'it';
    if (!now || now.type !== was.type) {
      out.push({
        nodeId: id,
        found: `${id} was ${now ? `changed to ${now.type}` : 'deleted'}, but the lesson locks ${what}`,
        refusal: `the lesson locks ${id}'s ${names.join(', ') || 'place'}: it cannot be ${now ? 'changed' : 'deleted'}`,
      });
      continue;
    }
    const a = paramValues(was);
    const b = paramValues(now);
    for (const name of names) {
      if (stableJson(a[name]) === stableJson(b[name])) continue;
      out.push({
        nodeId: id,
        found: `${id}.${name} was changed from ${show(a[name])} to ${show(b[name])}, but the lesson locks it`,
        refusal: `the lesson locks ${id}'s ${name} at ${show(a[name])}`,
      });
    }
  }

  const fields = lesson.locked?.training ?? [];
  if (fields.length > 0) {
    const a = trainingValues(reference);
    const b = trainingValues(candidate);
    for (const field of fields) {
      if (stableJson(a[field]) === stableJson(b[field])) continue;
      out.push({
        nodeId: null,
        found: `training.${field} was changed from ${show(a[field])} to ${show(b[field])}, but the lesson locks it`,
        refusal: `the lesson locks the training setting "${field}" at ${show(a[field])}`,
      });
    }
  }

  if (lesson.palette) {
    const allowed = new Set(lesson.palette);
    const list = lesson.palette.join(', ');
    for (const node of candidate.nodes) {
      if (allowed.has(node.type) || before.get(node.id)?.type === node.type) continue;
      out.push({
        nodeId: node.id,
        found: `${node.id} is ${node.type}, which this lesson does not allow (allowed: ${list})`,
        refusal: `this lesson does not use ${node.type}; its palette is ${list}`,
      });
    }
  }
  return out;
}

/**
 * Why the editor must refuse turning `base` (the lesson as opened) into `after` in student mode,
 * in one line; null when the edit keeps every lock (or there is no lesson).
 */
export function lockRefusal(base: GraphDoc, after: GraphDoc): string | null {
  const lesson = base.lesson;
  if (!lesson) return null;
  if (stableJson(after.lesson) !== stableJson(lesson)) return 'the lesson itself can be changed only in instructor mode';
  return lockViolations(base, after, lesson)[0]?.refusal ?? null;
}

/** Whether a node is locked whole, or partly (some params), for the canvas's lock mark. */
export function lockOf(lesson: Lesson | undefined, id: NodeId): { node: boolean; params: readonly string[] } | null {
  if (!lesson?.locked) return null;
  const node = lesson.locked.nodes?.includes(id) ?? false;
  const params = lesson.locked.params?.[id];
  if (!node && !params) return null;
  return { node, params: params ?? [] };
}
