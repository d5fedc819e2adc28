/**
 * A run that diverges, as a student meets it: LeNet-5 at learning rate 10 through the web host's
 * trainer process. The run ends as diverged (not "done" at chance accuracy, as it did) and the
 * panel says where, why, and which learning rate to try.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, screenshot, watchErrors } from './support/browser';
import { webHostAvailable, type RunningHost } from './support/host';
import { openEditor } from './support/openEditor';

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
      /^Training diverged: training diverged at epoch 1, batch \d+: the loss rose to .* over 10× its start \(2\.\d+\)\. Try a lower learning rate \(now 10; e\.g\. 1\)/,
    );
    expect(await page.locator('[data-testid=run-status] .badge').textContent()).toBe('error');
    expect(await alert.isVisible()).toBe(true);
    expect(await alert.getAttribute('title')).toMatch(/^training diverged at epoch 1/);
    await screenshot(page, 'training-diverged-1280x720');
    await page.setViewportSize({ width: 1600, height: 1000 });
    await screenshot(page, 'training-diverged-1600x1000');
    expect(errors).toEqual([]);
  });
});
