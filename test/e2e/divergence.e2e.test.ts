/**
 * A run that diverges, as a student meets it: LeNet-5 at learning rate 10 through the web host's
 * trainer process. The run ends as diverged (not "done" at chance accuracy, as it did) and the
 * dock says where, why, and which learning rate to try, in view (not behind an ellipsis), with
 * the loss axis's labels whole however large the loss grew.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { chromiumAvailable, screenshot, watchErrors } from './support/browser';
import { webHostAvailable, type RunningHost } from './support/host';
import { openEditor } from './support/openEditor';

/**
 * The text of an element that is actually shown: all of it when nothing overflows its box, else
 * only what fits (an ellipsis or a line clamp hides the rest, as the one-line header did).
 */
function shownUpTo(el: Locator): Promise<string> {
  return el.evaluate((node) => {
    const box = node.getBoundingClientRect();
    if (node.scrollHeight <= node.clientHeight + 1 && node.scrollWidth <= node.clientWidth + 1) return node.textContent ?? '';
    const range = document.createRange();
    let shown = '';
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      for (let i = 0; i < (t.textContent ?? '').length; i++) {
        range.setStart(t, i);
        range.setEnd(t, i + 1);
        const r = range.getBoundingClientRect();
        if (r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5) return shown;
        shown += t.textContent![i];
      }
    }
    return shown;
  });
}

/**
 * Rows of the chart's canvas with ink in its first two pixel columns: uPlot right-aligns a y tick
 * label against the axis, so a label wider than the axis is drawn from left of the canvas and cut.
 */
function inkAtLeftEdge(page: Page, chart: string): Promise<number[]> {
  return page.locator(`[data-testid=${chart}] canvas`).evaluate((canvas: HTMLCanvasElement) => {
    const { data, height } = canvas.getContext('2d')!.getImageData(0, 0, 2, canvas.height);
    const rows: number[] = [];
    for (let y = 0; y < height; y++) if (data[y * 8 + 3]! > 40 || data[y * 8 + 7]! > 40) rows.push(y);
    return rows;
  });
}

describe.skipIf(!chromiumAvailable() || !webHostAvailable())('a diverging run in Chromium', { timeout: 240_000 }, () => {
  let browser: Browser;
  let host: RunningHost;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ host, browser, page } = await openEditor({ prepare: (p) => void (errors = watchErrors(p)) }));
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('ends LeNet-5 at learning rate 10 as diverged, with the step and a lower rate to try', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.locator('[data-testid=tab-train]').click();
    await page.locator('[data-testid=sample-limit]').fill('600');
    for (const [field, value] of [
      ['learningRate', '10'],
      ['epochs', '2'],
    ] as const) {
      const input = page.locator(`[data-testid=field-${field}] input`);
      await input.fill(value);
      await input.press('Enter');
    }
    await page.locator('[data-testid=train-button]').click();
    // The dock under the canvas keeps the run's one-line error in view, whole in its tooltip.
    const alert = page.locator('[data-testid=run-error]');
    await alert.waitFor({ timeout: 180_000 });
    const text = (await alert.textContent()) ?? '';
    expect(text).toMatch(
      /^Training diverged at epoch 1, batch \d+: the loss rose to .* over 10× its start \(2\.\d+\)\. Try a lower learning rate \(now 10; e\.g\. 1\)/,
    );
    expect(await page.locator('[data-testid=run-status] .badge').textContent()).toBe('error');
    expect(await alert.isVisible()).toBe(true);
    expect(await alert.getAttribute('title')).toMatch(/^training diverged at epoch 1/);
    for (const size of [
      { width: 1280, height: 720 },
      { width: 1600, height: 1000 },
    ]) {
      await page.setViewportSize(size);
      await page.waitForTimeout(300);
      await screenshot(page, `training-diverged-${size.width}x${size.height}`);
      expect(await shownUpTo(alert), `the advice is shown at ${size.width}×${size.height}`).toMatch(
        /Try a lower learning rate \(now 10; e\.g\. 1\)/,
      );
      expect(await inkAtLeftEdge(page, 'loss-chart'), `loss axis labels whole at ${size.width}×${size.height}`).toEqual([]);
    }
    expect(errors).toEqual([]);
  });
});
