/**
 * The lessons shipped in lessons/ with their reference solutions (test/lessons/solutions, kept out
 * of what students get), and `netcanvas grade` run on a lesson's starting file and its reference,
 * in this process through the CLI's own entry (trainers are still separate processes).
 */
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../../engine/cli/main';

export const LESSONS_DIR = 'lessons';
export const SOLUTIONS_DIR = 'test/lessons/solutions';

export const LESSON_NAMES = readdirSync(LESSONS_DIR)
  .filter((n) => n.endsWith('.json'))
  .map((n) => n.slice(0, -5))
  .sort();

export interface GradedRow {
  readonly file: string;
  readonly points: number;
  readonly maxPoints: number;
  readonly checks: { id: string; passed: boolean | null; points: number; message: string }[];
}

/**
 * `netcanvas grade <folder> --lesson lessons/NAME.json --json [--train --backend wasm]`, the folder
 * holding the starting file as start.json and the reference solution as reference.json (or one of them).
 */
export async function gradeLesson(
  name: string,
  train: boolean,
  files: readonly ('start' | 'reference')[] = ['start', 'reference'],
): Promise<{ code: number; start?: GradedRow; reference?: GradedRow }> {
  const dir = mkdtempSync(join(tmpdir(), `netcanvas-lesson-${name}-`));
  if (files.includes('start')) copyFileSync(join(LESSONS_DIR, `${name}.json`), join(dir, 'start.json'));
  if (files.includes('reference')) copyFileSync(join(SOLUTIONS_DIR, `${name}.json`), join(dir, 'reference.json'));
  const out: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  let code: number;
  try {
    code = await main([
      'grade',
      dir,
      '--lesson',
      join(LESSONS_DIR, `${name}.json`),
      '--json',
      ...(train ? ['--train', '--backend', 'wasm'] : []),
    ]);
  } finally {
    stdout.mockRestore();
  }
  const { submissions } = JSON.parse(out.join('')) as { submissions: GradedRow[] };
  const byFile = Object.fromEntries(submissions.map((s) => [s.file, s]));
  return { code, start: byFile['start.json'], reference: byFile['reference.json'] };
}

/** The rows of checks marked from training (their messages quote the run). */
export function trainedRows(row: GradedRow): GradedRow['checks'] {
  return row.checks.filter((c) => /epoch|gradient|loss|accuracy/.test(c.message));
}
