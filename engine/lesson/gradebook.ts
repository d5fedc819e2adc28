/**
 * A class's marks as one CSV gradebook: a row per submission with the file, the points of each
 * check, the total, and, in words a student understands, why each failed check failed.
 */
import type { Grade } from './grade';
import type { Lesson } from './schema';
import { hasLocks } from './grade';

export interface GradedSubmission extends Grade {
  /** As given or found (relative to the folder graded). */
  readonly file: string;
}

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a formula:
 * a student's file name or message must not. Such cells get a leading apostrophe, as OWASP advises.
 */
function defuse(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function csvCell(value: string | number): string {
  const text = typeof value === 'number' ? String(value) : defuse(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Why a submission lost points, one line: "rf: … | params: …". */
export function feedback(grade: Grade): string {
  const failed = grade.checks.filter((c) => c.passed === false).map((c) => `${c.id}: ${c.message}`);
  const ungraded = grade.checks.filter((c) => c.passed === null).map((c) => c.id);
  if (ungraded.length > 0) failed.push(`not graded without --train: ${ungraded.join(', ')}`);
  return failed.length > 0 ? failed.join(' | ') : 'all checks passed';
}

/** The gradebook's text: header `file,[locked,]<check ids>,total,max,feedback`, a row per submission. */
export function gradebookCsv(lesson: Lesson, submissions: readonly GradedSubmission[]): string {
  const locks = hasLocks(lesson);
  const header = ['file', ...(locks ? ['locked'] : []), ...lesson.checks.map((c) => c.id), 'total', 'max', 'feedback'];
  const rows = submissions.map((s) => {
    const byId = new Map(s.checks.map((c) => [c.id, c]));
    const unreadable = byId.has('file');
    const locked = byId.get('locked');
    const cells: (string | number)[] = [s.file];
    if (locks) cells.push(unreadable ? 'unreadable' : locked?.passed ? 'ok' : 'changed');
    for (const check of lesson.checks) {
      const c = byId.get(check.id);
      cells.push(!c ? '' : c.passed === null ? 'not graded' : c.points);
    }
    cells.push(s.points, s.maxPoints, feedback(s));
    return cells.map(csvCell).join(',');
  });
  return `${[header.map(csvCell).join(','), ...rows].join('\n')}\n`;
}
