/**
 * A lesson as a student meets it, in real Chromium against the web host, with mouse and keyboard:
 * open it from the gallery, see red checks, try to delete a locked node and a paste outside the
 * palette (refused, with the reason), fix the graph in the inspector, see the checks turn green,
 * and submit; a trained check turning green after a run of the lesson's settings; and instructor
 * mode locking a node and adding a check.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseGraph } from '../../engine/graph/load';
import type { GraphDoc } from '../../engine/graph/types';
import { gradeSubmission } from '../../engine/lesson';
import { chromiumAvailable, screenshot } from './support/browser';
import { answerPathDialog, docOf, selectNode, setField } from './support/editorPage';
import { checkState, lessonSession, openLessonFromGallery } from './support/lessonPage';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-e2e-lesson-'));

async function shoot(page: Page, name: string): Promise<void> {
  await page.locator('.side-body').evaluate((el) => el.scrollTo(0, 0));
  for (const [width, height] of [
    [1280, 720],
    [1600, 1000],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(300);
    await screenshot(page, `${name}-${width}x${height}`);
  }
}

describe.skipIf(!chromiumAvailable())('a lesson in Chromium', { timeout: 240_000 }, () => {
  const session = lessonSession();

  it('a student sees red checks, cannot break the locks, fixes the graph, sees green and submits', async () => {
    const { page, errors } = session;
    await openLessonFromGallery(page, 'receptive-field');
    expect(await page.locator('[data-testid=lesson-title]').textContent()).toBe('Receptive field: see the whole digit');
    expect(await checkState(page, 'field')).toBe('fail');
    expect(await page.locator('[data-testid=lesson-check-field] .check-message').textContent()).toBe(
      'one unit of p2 sees 10×10 input pixels; at least 28 pixels wanted',
    );
    expect(await page.locator('[data-testid=lesson-points]').textContent()).toBe('3 / 6 points');
    // The palette offers only the lesson's layers; locked nodes wear a padlock.
    expect(await page.locator('.palette-item').count()).toBe(3);
    await page.locator('[data-testid=lock-in]').waitFor();
    await shoot(page, 'lesson-red');

    // A locked node cannot be deleted: the reason is shown, the node stays.
    await page.setViewportSize({ width: 1440, height: 900 });
    await selectNode(page, 'in');
    await page.keyboard.press('Delete');
    await expect
      .poll(() => page.locator('[data-testid=lock-refusal]').textContent())
      .toBe('🔒 in is locked by the lesson: it cannot be deleted');
    expect((await docOf(page)).nodes.some((n) => n.id === 'in')).toBe(true);
    // Pasting a copy of the locked flatten would add a node outside the palette: refused too.
    await selectNode(page, 'flat');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect
      .poll(() => page.locator('[data-testid=lock-refusal]').textContent())
      .toBe('🔒 this lesson does not use flatten; its palette is conv2d, maxPool2d, relu');
    expect((await docOf(page)).nodes).toHaveLength(10);

    // Locked params are read-only in the inspector; the free ones take the fix (K+P−1 per stage).
    await page.locator('[data-testid=tab-inspect]').click();
    await selectNode(page, 'c1');
    expect(await page.locator('[data-testid=field-filters] input').isDisabled()).toBe(true);
    await setField(page, 'kernelSize', '5');
    await selectNode(page, 'p1');
    await setField(page, 'poolSize', '3');
    await selectNode(page, 'c2');
    await setField(page, 'kernelSize', '5');
    await selectNode(page, 'p2');
    await setField(page, 'poolSize', '4');
    await page.locator('[data-testid=tab-lesson]').click();
    await expect.poll(() => checkState(page, 'field')).toBe('pass');
    expect(await page.locator('[data-testid=lesson-check-field] .check-message').textContent()).toBe(
      'one unit of p2 sees 28×28 input pixels; at least 28 pixels wanted',
    );
    expect(await page.locator('[data-testid=lesson-points]').textContent()).toBe('6 / 6 points');
    await expect.poll(() => page.locator('[data-testid=lock-refusal]').count(), { timeout: 10_000 }).toBe(0);
    await shoot(page, 'lesson-green');
    await page.locator('[data-testid=lesson-show-hint]').click();
    expect(await page.locator('[data-testid=lesson-hint]').allTextContents()).toEqual([expect.stringMatching(/^Hint 1\. With P₁ = 2/)]);

    // Submit: the graph, the lesson as handed out, and the marks, in one file the grader reads.
    await page.setViewportSize({ width: 1440, height: 900 });
    const path = join(dir, 'receptive-field-submission.json');
    await page.locator('[data-testid=lesson-submit]').click();
    await answerPathDialog(page, path);
    await expect.poll(() => page.locator('[data-testid=notice]').allTextContents()).toContain(`Submitted: ${path} (6 / 6 points)`);
    const submitted = parseGraph(readFileSync(path, 'utf8'));
    expect(submitted.ok).toBe(true);
    const doc = (submitted as { doc: GraphDoc & { submission?: { points: number } } }).doc;
    expect(doc.submission?.points).toBe(6);
    const lessonDoc = parseGraph(readFileSync('lessons/receptive-field.json', 'utf8'));
    if (!lessonDoc.ok) throw new Error(lessonDoc.error);
    expect(gradeSubmission(lessonDoc.doc, doc, null, '').points).toBe(6);
    expect(errors).toEqual([]);
  });

  it('a trained check turns green after a run with the lesson’s settings', async () => {
    const { page } = session;
    const nodes = [
      { id: 'in', type: 'input', params: { shape: [28, 28, 1] } },
      { id: 'flat', type: 'flatten', params: {} },
      { id: 'h', type: 'dense', params: { units: 32 } },
      { id: 'r', type: 'relu', params: {} },
      { id: 'out', type: 'dense', params: { units: 10 } },
    ];
    const file = join(dir, 'tiny-lesson.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'netcanvas.graph',
        version: 1,
        name: 'Tiny lesson',
        nodes,
        edges: nodes.slice(1).map((n, i) => ({ source: nodes[i]!.id, target: n.id })),
        training: { optimizer: 'adam', learningRate: 0.003, batchSize: 32, epochs: 5 },
        dataset: { source: 'embedded:mnist' },
        lesson: {
          title: 'Tiny',
          instructions: 'Train it. [The lecture](https://example.org/lecture) explains why.',
          checks: [
            { id: 'valid', text: 'No errors', points: 1, kind: 'valid' },
            { id: 'acc', text: 'At least 30% after one epoch', points: 2, kind: 'testAccuracy', min: 0.3 },
          ],
          run: { limit: 300, testLimit: 200, epochs: 1, seed: 2 },
        },
      }),
    );
    await page.locator('[data-testid=cmd-open]').click();
    await answerPathDialog(page, file);
    await page.locator('[data-testid=lesson-panel]').waitFor();
    expect(await page.locator('.lesson-markdown a').getAttribute('target')).toBe('_blank');
    expect(await checkState(page, 'acc')).toBe('pending');
    expect(await page.locator('[data-testid=lesson-check-acc] .check-message').textContent()).toBe(
      'not marked yet: train with the lesson’s settings',
    );
    await page.locator('[data-testid=lesson-train]').click();
    await expect.poll(() => checkState(page, 'acc'), { timeout: 120_000 }).toBe('pass');
    expect(await page.locator('[data-testid=lesson-check-acc] .check-message').textContent()).toMatch(
      /^test accuracy \d+\.\d\d% after 1 epoch; at least 30% wanted$/,
    );
    expect(await page.locator('[data-testid=lesson-points]').textContent()).toBe('3 / 3 points');
    // An edit makes the run's marks stale: train again.
    await page.locator('[data-testid=tab-inspect]').click();
    await selectNode(page, 'h');
    await setField(page, 'units', '16');
    await page.locator('[data-testid=tab-lesson]').click();
    await expect.poll(() => checkState(page, 'acc')).toBe('pending');
    expect(await page.locator('[data-testid=lesson-check-acc] .check-message').textContent()).toBe(
      'not marked: the graph changed since the last run; train again',
    );
  });

  it('instructor mode locks a node from the inspector and adds a check from the form; student mode then holds the lock', async () => {
    const { page } = session;
    await page.locator('[data-testid=instructor-mode]').check();
    await page.locator('[data-testid=tab-inspect]').click();
    await selectNode(page, 'r');
    await page.locator('[data-testid=lock-node]').check();
    await page.locator('[data-testid=tab-lesson]').click();
    await page.locator('[data-testid=check-kind]').selectOption('count');
    await page.locator('[data-testid=check-id]').fill('relus');
    await page.locator('[data-testid=check-text]').fill('Two ReLUs');
    await page.locator('[data-testid=check-type]').selectOption('relu');
    await page.locator('[data-testid=check-min]').fill('2');
    await page.locator('[data-testid=check-add]').click();
    await page.locator('[data-testid=lesson-check-relus]').waitFor();
    await screenshot(page, 'lesson-instructor');
    expect((await docOf(page)).lesson?.locked?.nodes).toEqual(['r']);
    await page.locator('[data-testid=instructor-mode]').uncheck();
    expect(await checkState(page, 'relus')).toBe('fail');
    await selectNode(page, 'r');
    await page.keyboard.press('Delete');
    await expect
      .poll(() => page.locator('[data-testid=lock-refusal]').textContent())
      .toBe('🔒 r is locked by the lesson: it cannot be deleted');
    // Undoing the instructor's edits is editing the lesson: refused in student mode.
    await page.keyboard.press('Control+z');
    await expect
      .poll(() => page.locator('[data-testid=lock-refusal]').textContent())
      .toBe('🔒 the lesson itself can be changed only in instructor mode');
    expect((await docOf(page)).lesson?.checks.map((c) => c.id)).toContain('relus');
  });
});
