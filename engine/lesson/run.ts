/**
 * The training run that marks a lesson's trained checks, the same in the app and in the grader:
 * the student's graph and free training choices, with the lesson's dataset, sample limits,
 * epochs and seed, and every locked training field taken from the lesson as handed out. Numbers
 * in the student's file never decide these.
 */
import type { GraphDoc } from '../graph/types';
import type { DatasetRequest } from '../train/protocol';
import type { Lesson } from './schema';
import { countText } from './words';

export interface LessonRunRequest {
  /** The student's graph, its locked training fields replaced by the lesson's. */
  readonly graph: GraphDoc;
  readonly dataset: DatasetRequest;
  /** Overrides merged over `graph.training` by the trainer. */
  readonly config: { readonly epochs: number; readonly seed: number };
}

/** The lesson document's training value for a field, when it sets one. */
function lessonTraining(lessonDoc: GraphDoc, field: string): unknown {
  return (lessonDoc.training as Record<string, unknown> | undefined)?.[field];
}

/** The run settings that do not depend on the student: dataset, limits, epochs, seed. */
export function lessonRunSettings(lessonDoc: GraphDoc, lesson: Lesson = lessonDoc.lesson!) {
  const run = lesson.run ?? {};
  const source = run.dataset ?? (typeof lessonDoc.dataset?.source === 'string' ? lessonDoc.dataset.source : 'embedded:mnist');
  const epochs = run.epochs ?? Number(lessonTraining(lessonDoc, 'epochs') ?? 3);
  const seed = run.seed ?? Number(lessonTraining(lessonDoc, 'seed') ?? 42);
  return { source, limit: run.limit, testLimit: run.testLimit, epochs, seed };
}

/**
 * The request for a run that marks `submission` against the lesson in `lessonDoc`.
 * `resolveSource` turns the lesson's dataset into what the trainer opens (the CLI resolves a
 * relative path against the lesson file).
 */
export function lessonRunRequest(
  lessonDoc: GraphDoc,
  submission: GraphDoc,
  resolveSource: (source: string) => string = (s) => s,
): LessonRunRequest {
  const lesson = lessonDoc.lesson!;
  const settings = lessonRunSettings(lessonDoc, lesson);
  const training: Record<string, unknown> = { ...(submission.training ?? {}) };
  for (const field of lesson.locked?.training ?? []) {
    const value = lessonTraining(lessonDoc, field);
    if (value === undefined) delete training[field];
    else training[field] = value;
  }
  return {
    graph: { ...submission, training },
    dataset: {
      source: resolveSource(settings.source),
      ...(settings.limit ? { limit: settings.limit } : {}),
      ...(settings.testLimit ? { testLimit: settings.testLimit } : {}),
    },
    config: { epochs: settings.epochs, seed: settings.seed },
  };
}

/** "2 epochs on 3,000 training samples of embedded:mnist, seed 1", for the panel and the grader. */
export function describeLessonRun(lessonDoc: GraphDoc): string {
  const s = lessonRunSettings(lessonDoc);
  const samples = s.limit ? `${countText(s.limit)} training samples of` : 'all of';
  const test = s.testLimit ? `, tested on ${countText(s.testLimit)}` : '';
  return `${s.epochs} epoch${s.epochs === 1 ? '' : 's'} on ${samples} ${s.source}${test}, seed ${s.seed}`;
}
