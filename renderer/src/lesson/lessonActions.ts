/**
 * Instructor mode's edits of the lesson itself, as editor actions (undoable like any edit). Student
 * mode refuses every one of them: the lock guard in the editor store lets nothing change the lesson.
 * Each result is validated by the lesson schema, so the instructor cannot save a lesson that does
 * not load; a refused edit says which field is wrong.
 */
import type { GraphDoc, NodeId } from '../../../engine/graph/types';
import { formatPath } from '../../../engine/graph/schema';
import { lessonSchema, type Lesson, type LessonCheck, type LessonRun } from '../../../engine/lesson';
import type { Action } from '../store/actions';

type Edit<A> = (lesson: Lesson, args: A, doc: GraphDoc) => Lesson | string;

function lessonEdit<A>(name: string, edit: Edit<A>): Action<A> {
  return {
    name,
    perform(doc, args) {
      if (!doc.lesson) return { error: 'this graph has no lesson: turn it into one first' };
      const next = edit(doc.lesson, args, doc);
      if (typeof next === 'string') return { error: next };
      const parsed = lessonSchema.safeParse(next);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return { error: `lesson.${formatPath(issue.path)}: ${issue.message}` };
      }
      return { doc: { ...doc, lesson: parsed.data as Lesson }, undoable: true };
    },
  };
}

/** A new lesson on the open graph, titled after it. */
export const createLesson: Action<Record<string, never>> = {
  name: 'createLesson',
  perform(doc) {
    if (doc.lesson) return { error: 'this graph already is a lesson' };
    const lesson: Lesson = {
      title: doc.name,
      instructions: 'What the student should do, in Markdown.',
      checks: [{ id: 'valid', text: 'The graph checks with no errors', points: 1, kind: 'valid' }],
    };
    return { doc: { ...doc, lesson }, undoable: true };
  },
};

export const setLessonText = lessonEdit<{ title?: string; instructions?: string; hints?: string[] }>('setLessonText', (lesson, patch) => ({
  ...lesson,
  ...patch,
}));

const withoutEmpty = (locked: Lesson['locked']): Lesson['locked'] => {
  const out: Record<string, unknown> = { ...locked };
  if (Array.isArray(out['nodes']) && (out['nodes'] as unknown[]).length === 0) delete out['nodes'];
  if (out['params'] && Object.keys(out['params'] as object).length === 0) delete out['params'];
  if (Array.isArray(out['training']) && (out['training'] as unknown[]).length === 0) delete out['training'];
  return out;
};

export const toggleNodeLock = lessonEdit<{ nodeId: NodeId }>('toggleNodeLock', (lesson, { nodeId }) => {
  const nodes = lesson.locked?.nodes ?? [];
  const next = nodes.includes(nodeId) ? nodes.filter((id) => id !== nodeId) : [...nodes, nodeId];
  return { ...lesson, locked: withoutEmpty({ ...lesson.locked, nodes: next }) };
});

export const toggleParamLock = lessonEdit<{ nodeId: NodeId; name: string }>('toggleParamLock', (lesson, { nodeId, name }) => {
  const params = { ...(lesson.locked?.params ?? {}) };
  const names = params[nodeId] ?? [];
  const next = names.includes(name) ? names.filter((n) => n !== name) : [...names, name];
  if (next.length > 0) params[nodeId] = next;
  else delete params[nodeId];
  return { ...lesson, locked: withoutEmpty({ ...lesson.locked, params }) };
});

export const toggleTrainingLock = lessonEdit<{ field: string }>('toggleTrainingLock', (lesson, { field }) => {
  const fields = lesson.locked?.training ?? [];
  const next = fields.includes(field) ? fields.filter((f) => f !== field) : [...fields, field];
  return { ...lesson, locked: withoutEmpty({ ...lesson.locked, training: next }) };
});

/** null: every node type may be added. */
export const setPalette = lessonEdit<{ types: string[] | null }>('setPalette', (lesson, { types }) => {
  const { palette: _old, ...rest } = lesson;
  return types === null ? (rest as Lesson) : { ...rest, palette: types };
});

export const addCheck = lessonEdit<{ check: LessonCheck }>('addCheck', (lesson, { check }) => {
  if (lesson.checks.some((c) => c.id === check.id)) return `a check with the id "${check.id}" exists already`;
  return { ...lesson, checks: [...lesson.checks, check] };
});

export const removeCheck = lessonEdit<{ id: string }>('removeCheck', (lesson, { id }) => ({
  ...lesson,
  checks: lesson.checks.filter((c) => c.id !== id),
}));

export const setLessonRun = lessonEdit<{ run: LessonRun }>('setLessonRun', (lesson, { run }) => ({ ...lesson, run }));
