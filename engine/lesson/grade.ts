/**
 * Marking: each check of the lesson against a graph, the points it earns, and the total. The
 * Lesson panel marks the open graph with `markChecks` on every edit; the grader marks a
 * submission with `gradeSubmission`, against the lesson as handed out (never the lesson the
 * submission carries), adding the `locked` row: a submission whose locked parts changed earns no
 * points, and the row says what changed.
 */
import { checkGraph } from '../check/checkGraph';
import type { CheckResult } from '../check/types';
import type { GraphDoc } from '../graph/types';
import { evaluateStructuralCheck, type CheckVerdict } from './checks';
import { CHECK_KINDS } from './kinds';
import { lockViolations } from './locks';
import { maxPoints, type Lesson, type LessonCheck } from './schema';
import { evaluateTrainedCheck, type LessonRunResults } from './trained';

export interface MarkedCheck extends CheckVerdict {
  readonly check: LessonCheck;
  readonly earned: number;
}

/**
 * Every check of `lesson` marked against `doc`. Trained checks read `run` (null: not marked,
 * with `notRun` as their message).
 */
export function markChecks(
  doc: GraphDoc,
  lesson: Lesson,
  run: LessonRunResults | null,
  notRun: string,
  result: CheckResult = checkGraph(doc),
): MarkedCheck[] {
  return lesson.checks.map((check) => {
    const verdict = CHECK_KINDS[check.kind].trained
      ? evaluateTrainedCheck(check, result, run, notRun)
      : evaluateStructuralCheck(check, doc, result);
    return { ...verdict, check, earned: verdict.passed === true ? check.points : 0 };
  });
}

/** One row of a gradebook, as `netcanvas grade --json` prints it. */
export interface GradedCheck {
  readonly id: string;
  /** null: not graded (a trained check without --train). */
  readonly passed: boolean | null;
  readonly points: number;
  readonly message: string;
}

export interface Grade {
  readonly points: number;
  readonly maxPoints: number;
  readonly checks: readonly GradedCheck[];
}

/** Whether the lesson locks anything, so its gradebook has a `locked` row. */
export function hasLocks(lesson: Lesson): boolean {
  const l = lesson.locked;
  return Boolean(l?.nodes?.length || Object.keys(l?.params ?? {}).length || l?.training?.length || lesson.palette);
}

/** What changed in the submission's locked parts, in sentences; empty when nothing did. */
export function lockedChanges(lessonDoc: GraphDoc, submission: GraphDoc): string[] {
  return lockViolations(lessonDoc, submission, lessonDoc.lesson!).map((v) => v.found);
}

/** Marks a submission against the lesson in `lessonDoc`; `run` as in `markChecks`. */
export function gradeSubmission(lessonDoc: GraphDoc, submission: GraphDoc, run: LessonRunResults | null, notRun: string): Grade {
  const lesson = lessonDoc.lesson!;
  const changes = lockedChanges(lessonDoc, submission);
  const marked = markChecks(submission, lesson, run, notRun);
  const tampered = changes.length > 0;
  const checks: GradedCheck[] = marked.map((m) => ({
    id: m.check.id,
    passed: m.passed,
    points: tampered ? 0 : m.earned,
    message: m.message,
  }));
  if (hasLocks(lesson)) {
    checks.unshift({
      id: 'locked',
      passed: !tampered,
      points: 0,
      message: tampered ? `no points: ${changes.join('; ')}` : 'the locked parts are as handed out',
    });
  }
  return { points: checks.reduce((sum, c) => sum + c.points, 0), maxPoints: maxPoints(lesson), checks };
}

/** The mark of a file that could not be read as a graph: every check failed, with the reason. */
export function gradeUnreadable(lesson: Lesson, reason: string): Grade {
  const checks: GradedCheck[] = [
    { id: 'file', passed: false, points: 0, message: reason },
    ...(hasLocks(lesson) ? [{ id: 'locked', passed: false, points: 0, message: 'not marked: the file could not be read' }] : []),
    ...lesson.checks.map((c) => ({ id: c.id, passed: false, points: 0, message: 'not marked: the file could not be read' })),
  ];
  return { points: 0, maxPoints: maxPoints(lesson), checks };
}
