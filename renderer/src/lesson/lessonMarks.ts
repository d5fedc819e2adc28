/**
 * The open lesson, marked: every check against the document on every edit (structural checks from
 * the cached checker report), trained checks from the latest run of the lesson's settings on this
 * very graph. The same `markChecks` as `netcanvas grade`.
 */
import { useMemo } from 'react';
import type { GraphDoc } from '../../../engine/graph/types';
import { describeLessonRun, markChecks, maxPoints, type Lesson, type MarkedCheck } from '../../../engine/lesson';
import { checkOf } from '../store/checkCache';
import { useEditor } from '../store/editorStore';
import { latestLessonRun, lessonRunKey, useLessonRuns, type LessonRun } from './lessonRuns';

export interface LessonMarks {
  readonly lesson: Lesson;
  /** The lesson as handed out: where its run settings and locked values come from. */
  readonly lessonDoc: GraphDoc;
  readonly marks: readonly MarkedCheck[];
  readonly points: number;
  readonly maxPoints: number;
  /** "2 epochs on 3,000 training samples of embedded:mnist, seed 1". */
  readonly settings: string;
  readonly run: ReturnType<typeof latestLessonRun>;
}

const NOT_RUN = {
  none: 'not marked yet: train with the lesson’s settings',
  running: 'training with the lesson’s settings…',
  stale: 'not marked: the graph changed since the last run; train again',
  done: '',
} as const;

/** The lesson document trained checks are run against: the lesson as opened, or (instructor mode) as edited. */
export function lessonDocOf(doc: GraphDoc, base: GraphDoc | null, instructor: boolean): GraphDoc {
  return instructor || !base?.lesson ? doc : base;
}

export function computeLessonMarks(
  doc: GraphDoc,
  base: GraphDoc | null,
  instructor: boolean,
  runs: readonly LessonRun[],
): LessonMarks | null {
  const lesson = doc.lesson;
  if (!lesson) return null;
  const lessonDoc = lessonDocOf(doc, base, instructor);
  const run = latestLessonRun(runs, lessonRunKey(lessonDoc, doc));
  const marks = markChecks(doc, lesson, run.results, NOT_RUN[run.state], checkOf(doc));
  return {
    lesson,
    lessonDoc,
    marks,
    points: marks.reduce((sum, m) => sum + m.earned, 0),
    maxPoints: maxPoints(lesson),
    settings: describeLessonRun(lessonDoc),
    run,
  };
}

export function useLessonMarks(): LessonMarks | null {
  const doc = useEditor((s) => s.doc);
  const base = useEditor((s) => s.lessonBase);
  const instructor = useEditor((s) => s.instructor);
  const runs = useLessonRuns((s) => s.runs);
  // A move changes only the layout: the marks stay as they are.
  const { nodes, edges, training, dataset, lesson } = doc;
  return useMemo(() => computeLessonMarks(doc, base, instructor, runs), [nodes, edges, training, dataset, lesson, base, instructor, runs]);
}
