/**
 * Segmentation and autoencoders from the browser: the FCN template trains for one short epoch on
 * the generated MNIST scenes through the web host's trainer, and the run shows test images with
 * their true and predicted masks, a legend, the mean IoU per epoch and the IoU of each class (all
 * eleven visible at 1280×720), in the training dock's Masks tab; the autoencoder template trains one
 * short epoch and shows originals above reconstructions, PSNR per epoch and its 2-D codes in the
 * Reconstructions tab.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, screenshot, watchErrors } from './support/browser';
import { webHostAvailable, type RunningHost } from './support/host';
import { openEditor } from './support/openEditor';

describe.skipIf(!chromiumAvailable() || !webHostAvailable())('segmentation and autoencoders in Chromium', { timeout: 400_000 }, () => {
  let browser: Browser;
  let host: RunningHost;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    // The trainer (a child of the host) makes the generated set here once for all test runs.
    process.env['NETCANVAS_CACHE_DIR'] = join(tmpdir(), 'netcanvas-test-cache');
    ({ host, browser, page } = await openEditor({
      height: 1000,
      prepare: (p) => {
        errors = watchErrors(p);
        // Loading the second template over the trained graph asks to discard it: yes.
        p.on('dialog', (d) => void d.accept());
      },
    }));
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  /** Opens template `id`, checks its task, trains it one epoch on `limit` samples, opens the dock's task tab and waits for the end. */
  async function trainTemplate(id: string, task: string, limit: number, tab: string) {
    await page.locator('[data-testid=cmd-templates]').click();
    await page.locator(`[data-testid=template-${id}]`).click();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=tab-train]').click();
    await expect.poll(() => page.locator('[data-testid=task]').inputValue()).toBe(task);
    await page.locator('[data-testid=sample-limit]').fill(String(limit));
    const epochs = page.locator('.config-grid label:has-text("Epochs") input');
    await epochs.fill('1');
    await epochs.press('Enter');
    await page.locator('[data-testid=train-button]').click();
    // The dock offers the task's pictures as a tab of their own while the run streams.
    await page.locator('[data-testid=dock-tab-task]').waitFor({ timeout: 120_000 });
    await page.locator('[data-testid=dock-tab-task]').click();
    expect(await page.locator('[data-testid=dock-tab-task]').textContent()).toBe(tab);
    await page.locator('[data-testid=task-views]').waitFor();
    const run = () =>
      page.evaluate(() => {
        const t = (window as any).netcanvasEditor.training.getState();
        const r = t.runs.find((x: any) => x.runId === t.activeRunId);
        return {
          status: r.status as string,
          error: (r.error?.message ?? null) as string | null,
          test: (r.done?.metrics.test ?? {}) as Record<string, number>,
        };
      });
    await expect.poll(async () => (await run()).status, { timeout: 360_000, interval: 500 }).not.toBe('running');
    return run();
  }

  it('trains the FCN template for one short epoch and shows true and predicted masks', async () => {
    const status = await trainTemplate('fcn', 'segmentation', 64, 'Masks');
    expect(status).toMatchObject({ status: 'done', error: null });
    expect(status.test.meanIoU).toBeGreaterThan(0);
    // The dock's header names the task's headline metric, not a classifier's accuracy.
    expect(await page.locator('[data-testid=header-metric]').textContent()).toMatch(/^\d+\.\d\d% test mean IoU$/);
    expect(await page.locator('[data-testid=header-accuracy]').count()).toBe(0);
    // 8 test images in three rows: the image, the true mask, the prediction.
    await expect.poll(() => page.locator('[data-testid=mask-grid] canvas').count()).toBe(24);
    expect(await page.locator('[data-testid=mask-legend] span').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=class-iou] .iou-bar').count()).toBe(11);
    await page.locator('[data-testid=metric-chart]').waitFor();
    expect(await page.locator('[data-testid=task-views] h3').textContent()).toContain('(trained)');
    // The true-mask row paints digits in colour: some pixel of the first true mask is not grey.
    const coloured = await page
      .locator('[data-testid=mask-grid] .mask-row')
      .nth(1)
      .locator('canvas')
      .first()
      .evaluate((c) => {
        const canvas = c as HTMLCanvasElement;
        const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < d.length; i += 4) if (d[i] !== d[i + 1] || d[i] !== d[i + 2]) return true;
        return false;
      });
    expect(coloured).toBe(true);
    for (const [w, h] of [
      [1280, 720],
      [1600, 1000],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await screenshot(page, `segmentation-masks-${w}x${h}`);
      // Every class's IoU bar is in view: the dock's task tab does not scroll.
      const overflow = await page
        .locator('[data-testid=task-views]')
        .evaluate((e) => ((d) => d.scrollHeight - d.clientHeight)(e.closest('.dock-detail')!));
      expect(overflow, `the task tab scrolls by ${overflow} px at ${w}×${h}`).toBeLessThanOrEqual(1);
    }
    // The results name the task's test metrics (mean IoU, pixel accuracy), not a classifier's.
    await page.locator('[data-testid=dock-tab-results]').click();
    expect(await page.locator('[data-testid=test-meanIoU]').textContent()).toMatch(/^\d+\.\d\d%$/);
    expect(await page.locator('[data-testid=test-accuracy]').count()).toBe(0);
    await screenshot(page, 'segmentation-results-1600x1000');
    expect(errors).toEqual([]);
  });

  it('trains the autoencoder template for one short epoch and shows originals above reconstructions, PSNR and the codes', async () => {
    await page.setViewportSize({ width: 1600, height: 1000 });
    const status = await trainTemplate('autoencoder', 'reconstruction', 256, 'Reconstructions');
    expect(status).toMatchObject({ status: 'done', error: null });
    expect(status.test.psnr).toBeGreaterThan(5);
    expect(await page.locator('[data-testid=header-metric]').textContent()).toMatch(/^\d+\.\d\d dB test PSNR$/);
    expect(await page.locator('[data-testid=header-accuracy]').count()).toBe(0);
    // 8 test images in two rows: the originals above the reconstructions.
    await expect.poll(() => page.locator('[data-testid=reconstructions] canvas').count()).toBe(16);
    const rows = page.locator('[data-testid=reconstructions] .mask-row');
    expect(await rows.nth(0).locator('.mask-row-label').textContent()).toBe('original');
    expect(await rows.nth(1).locator('.mask-row-label').textContent()).toBe('reconstruction');
    // A reconstruction is a picture, not a blank: its pixels vary.
    const spread = await rows
      .nth(1)
      .locator('canvas')
      .first()
      .evaluate((c) => {
        const canvas = c as HTMLCanvasElement;
        const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let lo = 255;
        let hi = 0;
        for (let i = 0; i < d.length; i += 4) [lo, hi] = [Math.min(lo, d[i]!), Math.max(hi, d[i]!)];
        return hi - lo;
      });
    expect(spread).toBeGreaterThan(30);
    expect(await page.locator('[data-testid=metric-chart]').textContent()).toContain('PSNR (dB) per epoch');
    // The 2-unit bottleneck's codes of the test images, coloured by digit.
    expect(await page.locator('[data-testid=code-scatter]').textContent()).toMatch(/Codes of \d+ test images at code/);
    expect(await page.locator('[data-testid=task-views] h3').textContent()).toContain('(trained)');
    for (const [w, h] of [
      [1280, 720],
      [1600, 1000],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await screenshot(page, `autoencoder-reconstructions-${w}x${h}`);
    }
    await page.locator('[data-testid=dock-tab-results]').click();
    expect(await page.locator('[data-testid=test-psnr]').textContent()).toMatch(/^\d+\.\d\d dB$/);
    expect(await page.locator('[data-testid=test-accuracy]').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
