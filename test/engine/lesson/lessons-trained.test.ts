/**
 * Each trained lesson's reference solution as a student would hand it in: `netcanvas grade --train`
 * trains it with the lesson's own settings and seed (on wasm, the CPU backend every laptop has) and
 * marks it full. That the starting files fail their trained checks is shown here for the one whose
 * starting file passes every structural check (vanishing gradients); for the others, and for
 * LeNet-5's four epochs on 10,000 digits, see lessons-slow.test.ts (NETCANVAS_SLOW_TESTS=1).
 */
import { describe, expect, it } from 'vitest';
import { gradeLesson, trainedRows } from './lessonFiles';

describe('trained lessons, graded with --train', { timeout: 600_000 }, () => {
  it.each(['sgd', 'regularization', 'batch-norm', 'residual'])('%s: the reference solution gets every point', async (name) => {
    const { code, reference } = await gradeLesson(name, true, ['reference']);
    expect(code).toBe(0);
    console.log(
      `${name} reference: ${trainedRows(reference!)
        .map((c) => c.message)
        .join(' | ')}`,
    );
    expect(reference!.points, JSON.stringify(reference!.checks)).toBe(reference!.maxPoints);
  });

  it('vanishing-gradients: the reference gets every point; the sigmoid starting file fails the gradient ratio', async () => {
    const { code, start, reference } = await gradeLesson('vanishing-gradients', true);
    expect(code).toBe(0);
    console.log(
      `vanishing-gradients reference: ${trainedRows(reference!)[0]?.message}\nvanishing-gradients start: ${trainedRows(start!)[0]?.message}`,
    );
    expect(reference!.points).toBe(reference!.maxPoints);
    expect(start!.checks.find((c) => c.id === 'ratio')).toMatchObject({ passed: false, points: 0 });
    expect(start!.points).toBe(1);
  });
});
