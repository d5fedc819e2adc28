import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../../engine/check/checkGraph';
import { parseGraph } from '../../../engine/graph/load';
import { CHECK_KINDS, hasTrainedChecks, lessonProblems, lockViolations } from '../../../engine/lesson';
import { LESSONS_DIR, LESSON_NAMES, SOLUTIONS_DIR, gradeLesson } from './lessonFiles';

const load = (path: string) => {
  const r = parseGraph(readFileSync(path, 'utf8'));
  if (!r.ok) throw new Error(`${path}: ${r.error}`);
  return r.doc;
};

describe('the lessons in lessons/', () => {
  it('are at least the eight of the week, each usable, with a reference solution kept in the tests', () => {
    expect(LESSON_NAMES).toEqual(
      expect.arrayContaining([
        'receptive-field',
        'lenet5',
        'sgd',
        'regularization',
        'vanishing-gradients',
        'batch-norm',
        'residual',
        'dilation',
      ]),
    );
    for (const name of LESSON_NAMES) {
      const doc = load(join(LESSONS_DIR, `${name}.json`));
      expect(lessonProblems(doc), name).toEqual([]);
      expect(doc.lesson!.instructions.length, name).toBeGreaterThan(300);
      expect(doc.lesson!.hints?.length ?? 0, name).toBeGreaterThan(0);
      expect(existsSync(join(SOLUTIONS_DIR, `${name}.json`)), name).toBe(true);
      // Every id a check names is in the starting file, and the reference keeps every lock.
      const reference = load(join(SOLUTIONS_DIR, `${name}.json`));
      expect(lockViolations(doc, reference, doc.lesson!), name).toEqual([]);
      expect(checkGraph(reference).ok, name).toBe(true);
    }
  });

  it('teach in the lecture’s terms', () => {
    const text = (name: string) => load(join(LESSONS_DIR, `${name}.json`)).lesson!.instructions;
    expect(text('receptive-field')).toContain('K+P−1');
    expect(text('sgd')).toContain('ε_t = c/t');
    expect(text('regularization')).toContain('λ_l');
    expect(text('lenet5')).toContain('61,706');
    expect(text('vanishing-gradients')).toContain('0.25');
    expect(text('residual')).toContain('x + F(x)');
  });

  it.each(LESSON_NAMES)(
    '%s: netcanvas grade marks the reference full on every structural check and the starting file not',
    async (name) => {
      const lesson = load(join(LESSONS_DIR, `${name}.json`)).lesson!;
      const graded = await gradeLesson(name, false);
      expect(graded.code).toBe(0);
      const start = graded.start!;
      const reference = graded.reference!;
      for (const check of reference.checks) {
        const trained = check.id !== 'locked' && CHECK_KINDS[lesson.checks.find((c) => c.id === check.id)!.kind].trained;
        expect(check.passed, `${check.id}: ${check.message}`).toBe(trained ? null : true);
      }
      if (hasTrainedChecks(lesson)) expect(reference.checks.some((c) => c.passed === null)).toBe(true);
      else expect(reference.points).toBe(reference.maxPoints);
      // Without training, the starting file already fails a check, except where only training can tell.
      const structuralFailure = start.checks.some((c) => c.passed === false);
      const onlyTrained = ['vanishing-gradients'].includes(name);
      expect(structuralFailure, JSON.stringify(start.checks)).toBe(!onlyTrained);
      expect(start.checks.find((c) => c.id === 'locked')?.passed ?? true).toBe(true);
    },
  );
});
