/**
 * A lesson's locks against what a student does with the mouse in real Chromium: wiring two locked
 * nodes together by dragging a cable, dropping layers from the lesson's palette, a locked node's
 * params read-only in the inspector, a JSON-view edit that would break a lock, and the SGD
 * lesson's locked training fields read-only while the free ones turn the checklist green.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { serializeGraph } from '../../engine/graph/load';
import { chromiumAvailable, screenshot } from './support/browser';
import { docOf, dropLayer, selectNode, wire } from './support/editorPage';
import { checkState, lessonSession, openLessonFromGallery } from './support/lessonPage';

const edgesOf = async (page: Page) => (await docOf(page)).edges.map((e) => `${e.source}→${e.target}`).sort();

/** A training-form field by its label. */
const trainingField = (page: Page, label: string) => page.locator(`.config-grid .field:has(label:has-text("${label}"))`).first();

describe.skipIf(!chromiumAvailable())('a lesson’s locks under the mouse', { timeout: 240_000 }, () => {
  const session = lessonSession();

  it('a cable dragged between locked nodes is refused; palette layers drop; locked params and the JSON view hold', async () => {
    const { page, errors } = session;
    await openLessonFromGallery(page, 'receptive-field');
    const edges = await edgesOf(page);

    // Dragging a cable from the locked input straight into the locked flatten would skip the exercise.
    // The cable does not snap, and letting go says why.
    await wire(page, 'in', 'flat');
    await expect
      .poll(() => page.locator('.connection-refusal').textContent())
      .toBe("Can't connect: in and flat are locked by the lesson: they cannot be rewired");
    await screenshot(page, 'lesson-rewire-refused');
    expect(await edgesOf(page)).toEqual(edges);
    expect(await page.locator('[data-testid=lock-in]').count()).toBe(1);

    // The palette offers the lesson's layers only, and they drop like any other.
    expect(await page.locator('.palette-item').allTextContents()).toHaveLength(3);
    expect(await page.locator('[data-testid=palette-dense]').count()).toBe(0);
    await dropLayer(page, 'relu', 120, 420);
    await expect.poll(async () => (await docOf(page)).nodes.filter((n) => n.type === 'relu').length).toBe(3);
    await expect.poll(() => page.locator('[data-testid=lock-refusal]').count(), { timeout: 10_000 }).toBe(0);

    // A locked node's params are read-only, with the reason; a free node's locked params too.
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    await page.locator('[data-testid=tab-inspect]').click();
    await selectNode(page, 'out');
    await page.locator('[data-testid=lock-banner]').waitFor();
    expect(await page.locator('[data-testid=field-units] input').isDisabled()).toBe(true);
    await selectNode(page, 'c2');
    expect(await page.locator('[data-testid=field-filters] input').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=field-kernelSize] input').isDisabled()).toBe(false);
    await screenshot(page, 'lesson-locked-inspector');

    // An edit in the JSON view that widens the locked output is not applied, and says why.
    await page.locator('[data-testid=tab-code]').click();
    await page.locator('select[aria-label="Code view"]').selectOption('json');
    // Typed as a student would: down to the output's units line, and change 10 to 20.
    const lines = serializeGraph(await docOf(page)).split('\n');
    const line = lines.findIndex((l, i) => /"units": 10,?$/.test(l) && lines.slice(0, i).some((p) => p.includes('"id": "out"'))) + 1;
    await page.locator('[data-testid=json-view] .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Home');
    for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    if (lines[line - 1]!.endsWith(',')) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('20');
    await expect
      .poll(() => page.locator('[data-testid=json-view] .code-status').textContent(), { timeout: 10_000 })
      .toBe('Not applied: out is locked by the lesson: its units cannot change');
    expect((await docOf(page)).nodes.find((n) => n.id === 'out')?.params.units).toBe(10);
    expect(errors).toEqual([]);
  });

  it('the SGD lesson: locked training fields are read-only, the free ones turn its checks green', async () => {
    const { page, errors } = session;
    await openLessonFromGallery(page, 'sgd');
    expect(await checkState(page, 'momentum')).toBe('fail');
    expect(await checkState(page, 'schedule')).toBe('fail');
    expect(await checkState(page, 'target')).toBe('pending');
    const pointsBefore = await page.locator('[data-testid=lesson-points]').textContent();

    await page.locator('[data-testid=tab-train]').click();
    expect(await page.locator('[data-testid=optimizer]').isDisabled()).toBe(true);
    expect(await trainingField(page, 'Batch size').locator('input').isDisabled()).toBe(true);
    expect(await trainingField(page, 'Epochs').locator('input').isDisabled()).toBe(true);
    expect(await trainingField(page, 'Batch size').locator('[data-testid=lock-mark]').count()).toBe(1);
    const momentum = trainingField(page, 'Momentum').locator('input');
    expect(await momentum.isDisabled()).toBe(false);
    await momentum.fill('0.9');
    await momentum.press('Enter');
    await page.locator('[data-testid=schedule]').selectOption('step');
    await screenshot(page, 'lesson-sgd-training-locks');

    await page.locator('[data-testid=tab-lesson]').click();
    await expect.poll(() => checkState(page, 'momentum')).toBe('pass');
    await expect.poll(() => checkState(page, 'schedule')).toBe('pass');
    expect(await page.locator('[data-testid=lesson-points]').textContent()).not.toBe(pointsBefore);
    expect(await page.locator('[data-testid=lesson-points]').textContent()).toBe('2 / 5 points');
    const training = (await docOf(page)).training;
    expect(training).toMatchObject({ optimizer: 'sgd', momentum: 0.9, batchSize: 32, epochs: 2, schedule: { type: 'step' } });
    expect(errors).toEqual([]);
  });
});
