/**
 * The longer half of the trained lessons, run with NETCANVAS_SLOW_TESTS=1 (about 10 minutes of CPU
 * on two cores): every trainable starting file fails its trained check when trained with the
 * lesson's settings, and LeNet-5's reference reaches 97% in the lesson's 4 epochs on all 10,000
 * embedded MNIST digits.
 */
import { describe, expect, it } from 'vitest';
import { gradeLesson, trainedRows } from './lessonFiles';

describe.runIf(process.env['NETCANVAS_SLOW_TESTS'])('trained lessons, the slow half', { timeout: 1_200_000 }, () => {
  it.each(['sgd', 'regularization', 'batch-norm', 'residual'])('%s: the starting file, trained, fails its trained check', async (name) => {
    const { code, start } = await gradeLesson(name, true, ['start']);
    expect(code).toBe(0);
    console.log(
      `${name} start: ${trainedRows(start!)
        .map((c) => c.message)
        .join(' | ')}`,
    );
    expect(trainedRows(start!).some((c) => c.passed === false)).toBe(true);
  });

  it('lenet5: the reference solution reaches 97% and every point; the starting file cannot be trained', async () => {
    const { code, start, reference } = await gradeLesson('lenet5', true);
    expect(code).toBe(0);
    console.log(
      `lenet5 reference: ${trainedRows(reference!)
        .map((c) => c.message)
        .join(' | ')}`,
    );
    expect(reference!.points).toBe(reference!.maxPoints);
    expect(start!.checks.find((c) => c.id === 'accuracy')?.message).toMatch(/^not trained: nothing is connected to the input/);
  });
});
