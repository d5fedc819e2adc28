/** Training from the Train tab as a student does, for the e2e tests that compare and measure runs. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Clicks Train and waits for the new run to end; `runs` reads the editor's runs (newest last). */
export async function trainToEnd<R extends { status: string }>(page: Page, runs: (page: Page) => Promise<R[]>): Promise<R> {
  const before = (await runs(page)).length;
  await page.locator('[data-testid=tab-train]').click();
  await page.locator('[data-testid=train-button]').click();
  await expect.poll(async () => (await runs(page)).length, { timeout: 60_000 }).toBe(before + 1);
  await expect.poll(async () => (await runs(page)).at(-1)!.status, { timeout: 300_000, interval: 500 }).toMatch(/done|error/);
  return (await runs(page)).at(-1)!;
}
