/**
 * The optional `lesson` object of a graph file, as a zod schema the graph schema embeds. Strict in
 * the same way as the rest of the format: a bad field is named with its path
 * ("lesson.checks[2].min: expected a number, got a string"); unknown fields survive a round trip.
 * Whether the ids a lesson names exist in its graph is a separate question (./validate), because
 * a student's saved work must still open when a node a check names is gone.
 */
import { z } from 'zod';
import { trainingSchema } from '../graph/training';
import { closestName } from '../layers/params';
import { LAYER_TYPES, isLayerType } from '../layers/registry';
import { CHECK_FIELDS, CHECK_KINDS, CHECK_KIND_NAMES, isCheckKind, type CheckField, type CheckKind } from './kinds';

/**
 * The training fields a lesson may lock or check: the training schema's own. A function, not a
 * constant: graph/training and the graph schema import each other through this module.
 */
export function trainingFields(): string[] {
  return Object.keys(trainingSchema.shape);
}

/** Check ids the grader uses for its own rows. */
export const RESERVED_CHECK_IDS = ['locked', 'file'] as const;

export interface LessonCheck {
  readonly id: string;
  /** The sentence the student reads, e.g. "The last pooling layer sees the whole 28×28 digit". */
  readonly text: string;
  readonly points: number;
  readonly kind: CheckKind;
  readonly node?: string;
  readonly from?: string;
  readonly to?: string;
  readonly through?: string;
  readonly avoid?: readonly string[];
  readonly type?: string;
  readonly min?: number;
  readonly max?: number;
  readonly field?: string;
  readonly value?: unknown;
  readonly [extra: string]: unknown;
}

export interface LessonLocks {
  /** Cannot be deleted, rewired (edges between locked nodes) or edited; can be moved. */
  readonly nodes?: readonly string[];
  /** Node id → param names that cannot change; a node named here cannot be deleted or change type. */
  readonly params?: Readonly<Record<string, readonly string[]>>;
  /** `training` field names that cannot change. */
  readonly training?: readonly string[];
  readonly [extra: string]: unknown;
}

/** How trained checks are run. These always win over the student's file. */
export interface LessonRun {
  /** `embedded:mnist` or a path (relative to the lesson file); default: the lesson file's `dataset.source`. */
  readonly dataset?: string;
  /** At most this many training / test samples. */
  readonly limit?: number;
  readonly testLimit?: number;
  /** Default: the lesson file's `training.epochs`. */
  readonly epochs?: number;
  /** Default: the lesson file's `training.seed`. */
  readonly seed?: number;
  readonly [extra: string]: unknown;
}

export interface Lesson {
  readonly title: string;
  /** Markdown, untrusted: rendered without raw HTML. */
  readonly instructions: string;
  readonly hints?: readonly string[];
  readonly locked?: LessonLocks;
  /** The node types a student may add; omitted: all. */
  readonly palette?: readonly string[];
  readonly checks: readonly LessonCheck[];
  readonly run?: LessonRun;
  readonly [extra: string]: unknown;
}

const text = (what: string) => z.string({ error: `expected ${what}` });
const nodeId = z.string().min(1, 'expected a node id');
const count = z.number().int().min(1);

function layerType(value: string, ctx: z.RefinementCtx, path: PropertyKey[] = []): void {
  if (isLayerType(value)) return;
  const hint = closestName(value, LAYER_TYPES);
  ctx.addIssue({
    code: 'custom',
    path,
    message: `"${value}" is not a node type${hint ? `; did you mean "${hint}"?` : `; known types: ${LAYER_TYPES.join(', ')}`}`,
  });
}

const layerTypeName = z.string().superRefine((v, ctx) => layerType(v, ctx));

function trainingField(field: string, ctx: z.RefinementCtx, path: PropertyKey[]): void {
  const head = field.split('.')[0]!;
  const fields = trainingFields();
  if (fields.includes(head)) return;
  const hint = closestName(head, fields);
  ctx.addIssue({
    code: 'custom',
    path,
    message: `"${field}" is not a training field${hint ? `; did you mean "${hint}"?` : `; fields: ${fields.join(', ')}`}`,
  });
}

const check = z
  .looseObject({
    id: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected an id of letters, digits, "-" and "_" (it names a gradebook column)'),
    text: text('a sentence for the student'),
    points: z.number().min(0).max(1000).default(1),
    kind: z.string(),
    node: nodeId.optional(),
    from: nodeId.optional(),
    to: nodeId.optional(),
    through: layerTypeName.optional(),
    avoid: z.array(layerTypeName).optional(),
    type: layerTypeName.optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    field: z.string().min(1).optional(),
    value: z.unknown().optional(),
  })
  .superRefine((c, ctx) => {
    if ((RESERVED_CHECK_IDS as readonly string[]).includes(c.id)) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: `"${c.id}" is the grader's own row; choose another id` });
    }
    if (!isCheckKind(c.kind)) {
      const hint = closestName(c.kind, CHECK_KIND_NAMES);
      ctx.addIssue({
        code: 'custom',
        path: ['kind'],
        message: `unknown check kind "${c.kind}"${hint ? `; did you mean "${hint}"?` : `; kinds: ${CHECK_KIND_NAMES.join(', ')}`}`,
      });
      return;
    }
    const spec = CHECK_KINDS[c.kind];
    const has = (f: CheckField) => (c as Record<string, unknown>)[f] !== undefined;
    for (const f of spec.needs) {
      if (!has(f)) ctx.addIssue({ code: 'custom', path: [f], message: `a ${c.kind} check needs "${f}" (${spec.doc})` });
    }
    const takes = new Set<CheckField>([...spec.needs, ...spec.optional, ...(spec.bounds === 'none' ? [] : (['min', 'max'] as const))]);
    for (const f of CHECK_FIELDS) {
      if (has(f) && !takes.has(f)) ctx.addIssue({ code: 'custom', path: [f], message: `a ${c.kind} check takes no "${f}"` });
    }
    if (spec.bounds === 'required' && !has('min') && !has('max')) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `a ${c.kind} check needs "min", "max" or both` });
    }
    if (c.kind === 'training' && !has('value') && !has('min') && !has('max')) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'a training check needs "value" (or a list of allowed values), or "min"/"max"',
      });
    }
    if (c.min !== undefined && c.max !== undefined && c.min > c.max) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: `is ${c.max}, below min ${c.min}` });
    }
    if (c.kind === 'training' && c.field !== undefined) trainingField(c.field, ctx, ['field']);
    if (c.kind === 'outputShape' && has('value')) {
      const v = c.value;
      const ok = Array.isArray(v) && v.length > 0 && v.every((n) => n === null || (Number.isInteger(n) && (n as number) >= 1));
      if (!ok) ctx.addIssue({ code: 'custom', path: ['value'], message: 'expected a shape such as [28, 28, 16] (null for any size)' });
    }
  });

const locks = z.looseObject({
  nodes: z.array(nodeId).optional(),
  params: z.record(z.string(), z.array(z.string().min(1))).optional(),
  training: z
    .array(z.string())
    .superRefine((fields, ctx) => fields.forEach((f, i) => trainingField(f, ctx, [i])))
    .optional(),
});

const run = z.looseObject({
  dataset: z.string().min(1).optional(),
  limit: count.optional(),
  testLimit: count.optional(),
  epochs: count.max(10000).optional(),
  seed: z.number().int().min(0).optional(),
});

export const lessonSchema = z
  .looseObject({
    title: z.string({ error: 'expected a title' }).min(1, 'expected a title'),
    instructions: text('Markdown instructions'),
    hints: z.array(z.string()).optional(),
    locked: locks.optional(),
    palette: z.array(layerTypeName).optional(),
    checks: z.array(check).default([]),
    run: run.optional(),
  })
  .superRefine((lesson, ctx) => {
    const seen = new Set<string>();
    lesson.checks.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['checks', i, 'id'], message: `a second check has the id "${c.id}"` });
      seen.add(c.id);
    });
  });

/** Whether any check needs a training run. */
export function hasTrainedChecks(lesson: Lesson): boolean {
  return lesson.checks.some((c) => CHECK_KINDS[c.kind].trained);
}

/** The most points a submission can get. */
export function maxPoints(lesson: Lesson): number {
  return lesson.checks.reduce((sum, c) => sum + c.points, 0);
}
