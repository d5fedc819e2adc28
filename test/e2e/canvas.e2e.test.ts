/**
 * The canvas as a student meets it, with real mouse input in Chromium at 1280×720: readable on
 * open, broken nodes that keep their size, the selected node's problem in the inspector, edits
 * that apply as you type.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable, screenshot } from './support/browser';
import { docOf, openTemplate, selectNode, setField, wire } from './support/editorPage';
import { webHostAvailable } from './support/host';
import { editorSession } from './support/session';

describe.skipIf(!chromiumAvailable() || !webHostAvailable())('the canvas at 1280×720', { timeout: 180_000 }, () => {
  const session = editorSession({ width: 1280, height: 720 });
  let page: Page;
  beforeAll(() => {
    page = session.page();
  });

  const zoom = () => page.locator('.react-flow__viewport').evaluate((el) => new DOMMatrixReadOnly(getComputedStyle(el).transform).a);
  const box = async (id: string) => (await page.locator(`.react-flow__node[data-id="${id}"] .layer-node`).boundingBox())!;

  it('opens readable, and the toolbar’s Fit fits like the canvas’s own fit button', async () => {
    await page.waitForTimeout(300);
    const opened = await zoom();
    expect(opened).toBeGreaterThanOrEqual(0.9);
    // On screen, the node title is at least 11 px tall.
    const title = await page.locator('.react-flow__node[data-id="c1"] .layer-title').evaluate((el) => {
      const z = new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.react-flow__viewport')!).transform).a;
      return parseFloat(getComputedStyle(el).fontSize) * z;
    });
    expect(title).toBeGreaterThanOrEqual(11);
    // The canvas under the dock is too small here for a 200×150 minimap: it covered nodes.
    expect(await page.locator('.react-flow__minimap').count()).toBe(0);
    await screenshot(page, 'canvas-1280-opened');
    await page.locator('[data-testid=cmd-zoomToFit]').click();
    await page.waitForTimeout(400);
    const toolbarFit = await zoom();
    await page.locator('.react-flow__controls-fitview').click();
    await page.waitForTimeout(400);
    const canvasFit = await zoom();
    expect(toolbarFit).toBeLessThan(opened);
    expect(Math.abs(toolbarFit - canvasFit) / canvasFit).toBeLessThan(0.15);
  });

  it('a broken node keeps its size; the inspector shows its problem and fix; edits apply as you type', async () => {
    await openTemplate(page, 'lenet5');
    await page.locator('[data-testid=cmd-zoomToFit]').click();
    await page.waitForTimeout(400);
    const normal = await box('f5');
    // Take the flatten out of the chain: F5 (dense) now reads the 5×5×16 image.
    await page.evaluate(() => {
      const e = (
        window as unknown as {
          netcanvasEditor: { store: { getState(): { perform(a: unknown, p: unknown): void } }; actions: Record<string, unknown> };
        }
      ).netcanvasEditor;
      e.store.getState().perform(e.actions.applyFix, { fix: { kind: 'removeEdge', source: 'flat', target: 'f5' } });
      e.store.getState().perform(e.actions.connect, { source: 's4', target: 'f5' });
    });
    const f5 = page.locator('.react-flow__node[data-id="f5"] .layer-node');
    await expect.poll(() => f5.getAttribute('class')).toContain('status-error');
    const broken = await box('f5');
    expect(Math.abs(broken.height - normal.height)).toBeLessThanOrEqual(1);
    const below = await box('r5');
    expect(broken.y + broken.height).toBeLessThan(below.y);
    await screenshot(page, 'canvas-1280-broken-node');

    await selectNode(page, 'f5');
    const problem = page.locator('[data-testid=inspector] [data-testid=node-problems]');
    await expect.poll(() => problem.textContent()).toContain('flatten');
    await problem.locator('.fix-button').click();
    await expect.poll(() => f5.getAttribute('class')).not.toContain('status-error');

    // Typing a valid value applies it after a pause, without Enter; the whole edit is one undo step.
    await selectNode(page, 'c1');
    const filters = page.locator('[data-testid=field-filters] input');
    await filters.click();
    await filters.press('Control+a');
    await filters.pressSequentially('12', { delay: 60 });
    await expect.poll(async () => (await docOf(page)).nodes.find((n) => n.id === 'c1')!.params.filters).toBe(12);
    expect(await page.locator('.react-flow__node[data-id="c1"] .layer-shape').textContent()).toBe('28×28×12');
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await docOf(page)).nodes.find((n) => n.id === 'c1')!.params.filters).toBe(6);
  });

  const problemCount = () => page.locator('[data-testid=problem-count]').textContent();

  it('a stray branch is an error before training, fixed in one click; the output is marked', async () => {
    await openTemplate(page, 'lenet5');
    await page.waitForTimeout(300);
    await page.locator('[data-testid=palette-relu]').click();
    await wire(page, 'in', 'relu1');
    await expect.poll(problemCount).toContain('1 error');
    const stray = page.locator('.react-flow__node[data-id="relu1"] .layer-node');
    expect(await stray.getAttribute('class')).toContain('status-error');
    expect(await stray.locator('.fix-button').getAttribute('title')).toBe('Fix: Delete the stray branch (relu1)');
    await page.locator('[data-testid=tab-train]').click();
    expect(await page.locator('[data-testid=train-button]').isDisabled()).toBe(true);
    await screenshot(page, 'canvas-1280-stray-branch');

    await page.locator('[data-testid=tab-inspect]').click();
    await selectNode(page, 'relu1');
    await page.locator('[data-testid=node-problems]').getByRole('button', { name: 'Fix: Use relu1 as the output' }).click();
    // As the output, relu1 gives a 28×28×1 image where MNIST needs 10 class scores: the checker says so; prob is now unused.
    await expect.poll(problemCount).toContain('1 error · 1 warning');
    await screenshot(page, 'canvas-1280-relu-as-output');
    expect(await stray.locator('.output-badge').count()).toBe(1);
    expect(await stray.locator('.layer-message').textContent()).toContain('is 28×28×1 per sample, but embedded:mnist has 10 classes');
    expect(await page.locator('.react-flow__node[data-id="in"] .layer-node').getAttribute('class')).not.toContain('status-error');
    await page.keyboard.press('Control+z');
    await expect.poll(problemCount).toContain('1 error');
    await stray.locator('.fix-button').click();
    await expect.poll(problemCount).toContain('0 errors · 0 warnings');
    expect((await docOf(page)).nodes.some((n) => n.id === 'relu1')).toBe(false);
    await page.locator('[data-testid=cmd-zoomToFit]').click(); // prob is further down
    await expect.poll(() => page.locator('.react-flow__node[data-id="prob"] .output-badge').count()).toBe(1);
  });

  it('knows the graph’s dataset: an input or output that cannot fit it is an error with a fix, before Train', async () => {
    await selectNode(page, 'in');
    await setField(page, 'shape', '32, 32, 1');
    await expect.poll(problemCount).toContain('1 error');
    const problem = page.locator('[data-testid=node-problems]');
    expect(await problem.textContent()).toContain("the input is 32×32×1 but embedded:mnist's samples are 28×28×1");
    await problem.getByRole('button', { name: 'Fix: Set the input to 28×28×1' }).click();
    await expect.poll(problemCount).toContain('0 errors');
    await page.locator('[data-testid=tab-train]').click();
    expect(await page.locator('[data-testid=dataset-facts]').textContent()).toContain('samples 28×28×1, 10 classes');

    // DeepLab-lite segments 64×64 scenes; trained as a classifier on embedded MNIST, its output cannot fit.
    await openTemplate(page, 'deeplab-lite');
    await expect.poll(problemCount).toContain('0 errors');
    await page.locator('[data-testid=tab-train]').click();
    await page.locator('[data-testid=task]').selectOption('classification');
    await page.getByRole('button', { name: 'Embedded MNIST' }).click();
    await page.locator('[data-testid=tab-inspect]').click();
    await page.locator('[data-testid=problem-count]').click();
    const list = page.locator('[data-testid=problems]');
    await expect.poll(problemCount).toContain('2 errors');
    expect(await list.textContent()).toContain("the input is 64×64×1 but embedded:mnist's samples are 28×28×1");
    await list.getByRole('button', { name: 'Fix: Set the input to 28×28×1' }).click();
    await expect.poll(problemCount).toContain('1 error');
    expect(await list.textContent()).toContain('is 28×28×11 per sample, but embedded:mnist has 10 classes');
    await screenshot(page, 'canvas-1280-deeplab-on-mnist');
    await list.getByRole('button', { name: 'Fix: Add a 1×1 conv with 10 filters and a global average pool before the softmax' }).click();
    await expect.poll(problemCount).toContain('0 errors');
  });

  it('warns about an absurd learning rate where it is typed, with a fix', async () => {
    await openTemplate(page, 'lenet5');
    await page.locator('[data-testid=tab-train]').click();
    const lr = page.locator('[data-testid=field-learningRate] input');
    await lr.fill('10');
    const warning = page.locator('[data-testid=lr-warning]');
    await expect.poll(() => warning.textContent()).toContain('far above what Adam usually takes (0.0001 to 0.01)');
    await screenshot(page, 'canvas-1280-absurd-learning-rate');
    await warning.getByRole('button', { name: 'Use 0.001' }).click();
    await expect.poll(async () => (await docOf(page)).training?.learningRate).toBe(0.001);
    expect(await warning.count()).toBe(0);
  });

  it('never threw in the page', () => {
    expect(session.errors()).toEqual([]);
  });
});
