/**
 * Training as a student compares runs, in Chromium at 1280×720 against the web host's trainer:
 * the dock keeps the status, the curves and Stop in view while a run streams, with a time left
 * before the first epoch ends; a second run is named by what differs, both overlay (curves and
 * gradient norms), a run can be renamed, and the history is still there after a reload.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable, screenshot } from './support/browser';
import { selectNode } from './support/editorPage';
import { webHostAvailable } from './support/host';
import { editorSession } from './support/session';
import { trainToEnd } from './support/training';

interface RunState {
  runId: string;
  label: string;
  status: string;
  batches: number;
  epochs: number;
}

const runs = (page: Page): Promise<RunState[]> =>
  page.evaluate(() =>
    (window as any).netcanvasEditor.training.getState().runs.map((r: any) => ({
      runId: r.runId,
      label: r.label,
      status: r.status,
      batches: r.curves.batchLoss.length,
      epochs: r.curves.epochX.length,
    })),
  );

/** The element is on screen and nothing covers its middle. */
async function inView(page: Page, selector: string): Promise<boolean> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return hit !== null && (el === hit || el.contains(hit));
    });
}

/**
 * A chart's legend entries that show only in part: each must be wholly inside what the legend and
 * the dock's cell show, or wholly scrolled out of the legend (a second row was cut in half).
 */
function cutLegendEntries(page: Page, chart: string): Promise<string[]> {
  return page.locator(`[data-testid=${chart}]`).evaluate((el) => {
    const legend = el.querySelector('.u-legend')!.getBoundingClientRect();
    const cell = el.getBoundingClientRect();
    const bottom = Math.min(legend.bottom, cell.bottom);
    return [...el.querySelectorAll('.u-legend .u-series')]
      .filter((s) => {
        const r = s.getBoundingClientRect();
        const hidden = r.top >= bottom - 0.5 || r.bottom <= legend.top + 0.5;
        return !hidden && (r.bottom > bottom + 0.5 || r.top < legend.top - 0.5);
      })
      .map((s) => s.textContent ?? '');
  });
}

describe.skipIf(!chromiumAvailable() || !webHostAvailable())('comparing runs at 1280×720', { timeout: 600_000 }, () => {
  const session = editorSession({ width: 1280, height: 720 });
  let page: Page;
  beforeAll(() => {
    page = session.page();
  });

  const train = () => trainToEnd(page, runs);

  it('keeps status, curves and Stop in view while a run streams, with a time left before the first epoch ends', async () => {
    await page.locator('[data-testid=tab-train]').click();
    await page.locator('[data-testid=sample-limit]').fill('600');
    await page.locator('[data-testid=field-epochs] input').fill('2');
    await page.locator('[data-testid=field-epochs] input').press('Enter');
    await page.locator('[data-testid=train-button]').click();
    await expect.poll(async () => (await runs(page))[0]?.batches ?? 0, { timeout: 120_000, interval: 200 }).toBeGreaterThan(2);
    const [first] = await runs(page);
    expect(first!.epochs).toBe(0); // still in epoch 1…
    await page.locator('[data-testid=eta]').waitFor({ timeout: 10_000 }); // …and already a time left
    for (const selector of [
      '[data-testid=run-status]',
      '[data-testid=stop-button]',
      '[data-testid=loss-chart]',
      '[data-testid=accuracy-chart]',
    ]) {
      expect(await inView(page, selector), selector).toBe(true);
    }
    expect(await page.locator('[data-testid=stop-button]').isEnabled()).toBe(true);
    await screenshot(page, 'runs-1280-streaming');
    await expect.poll(async () => (await runs(page))[0]!.status, { timeout: 300_000, interval: 500 }).toBe('done');
    expect(await page.locator('[data-testid=header-accuracy]').textContent()).toMatch(/\d+\.\d+% test accuracy/);
  });

  it('names a second run by what differs, overlays both runs’ curves and gradient norms, and renames', async () => {
    await page.locator('[data-testid=tab-inspect]').click();
    await selectNode(page, 'r1');
    await page.locator('[data-testid=node-type]').selectOption('sigmoid');
    await page.locator('[data-testid=tab-train]').click();
    await page.locator('[data-testid=field-learningRate] input').fill('0.01');
    await page.locator('[data-testid=field-learningRate] input').press('Enter');
    const second = await train();
    expect(second.status).toBe('done');
    expect(second.label).toBe('sigmoid, lr 0.01');
    expect(await page.locator(`[data-testid=run-name-${second.runId}]`).textContent()).toBe('sigmoid, lr 0.01');

    // Both runs are ticked: the first stays shown when the second starts.
    const legend = (chart: string) => page.locator(`[data-testid=${chart}] .u-legend .u-series`).allTextContents();
    await expect.poll(async () => (await legend('loss-chart')).length).toBe(4);
    expect((await legend('gradient-chart')).map((s) => s.trim())).toEqual(['LeNet-5', 'sigmoid, lr 0.01']);
    await screenshot(page, 'runs-1280-overlay');
    for (const chart of ['loss-chart', 'accuracy-chart']) expect(await cutLegendEntries(page, chart), chart).toEqual([]);

    await page.locator(`[data-testid=run-name-${second.runId}]`).dblclick();
    await page.locator(`[data-testid=run-rename-${second.runId}]`).fill('sigmoid run');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(`[data-testid=run-name-${second.runId}]`).textContent()).toBe('sigmoid run');
  });

  it('keeps the history across a reload: names, results, and the curves of a kept run', async () => {
    const before = await runs(page);
    await page.reload();
    await page.locator('.layer-node').first().waitFor();
    await expect.poll(async () => (await runs(page)).map((r) => r.label)).toEqual(['LeNet-5', 'sigmoid run']);
    expect((await runs(page)).map((r) => r.runId)).toEqual(before.map((r) => r.runId));
    const rows = page.locator('[data-testid=runs] tr');
    expect(await rows.count()).toBe(2);
    expect(await page.locator('[data-testid=runs]').textContent()).toMatch(/LeNet-5.*\d+\.\d%/s);
    // Tick both kept runs: their curves come back from the data folder.
    for (const r of before) await page.locator(`[data-testid=run-show-${r.runId}]`).check();
    await expect.poll(async () => await page.locator('[data-testid=loss-chart] .u-legend .u-series').count()).toBe(4);
    await expect.poll(async () => (await runs(page)).map((r) => r.epochs)).toEqual([2, 2]);
    await screenshot(page, 'runs-1280-after-reload');
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.waitForTimeout(500);
    await screenshot(page, 'runs-1600-after-reload');
    for (const chart of ['loss-chart', 'accuracy-chart']) expect(await cutLegendEntries(page, chart), chart).toEqual([]);
  });

  it('never threw in the page', () => {
    expect(session.errors()).toEqual([]);
  });
});
