/**
 * Frozen layers and hand-set filters in the editor, with real mouse input: untick a layer's
 * "trainable" box and the node shows its weights as frozen and the total drops; give a conv a
 * hand-set kernel, meet the filters/channels error and fix it with one click. Screenshots at
 * 1280×720 and 1600×1000.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, screenshot, watchErrors } from './support/browser';
import { docOf, selectNode, setField } from './support/editorPage';
import type { RunningHost } from './support/host';
import { openEditor } from './support/openEditor';

describe.skipIf(!chromiumAvailable())('frozen layers and hand-set filters in Chromium', { timeout: 180_000 }, () => {
  let browser: Browser;
  let host: RunningHost;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ host, browser, page } = await openEditor({ prepare: (p) => void (errors = watchErrors(p)) }));
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close().catch(() => {});
  });

  it('freezes C3 with its checkbox: the node says frozen, the trainable total drops by its 2,416', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await expect.poll(() => page.locator('[data-testid=total-params]').textContent()).toBe('61,706');
    await selectNode(page, 'c3');
    const box = page.locator('[data-testid=field-trainable] input');
    expect(await box.isChecked()).toBe(true);
    await box.click();
    await expect.poll(async () => (await docOf(page)).nodes.find((n) => n.id === 'c3')?.trainable).toBe(false);
    await expect.poll(() => page.locator('[data-testid=frozen-c3]').textContent()).toBe('❄ 2,416 frozen');
    expect(await page.locator('[data-testid=total-params]').textContent()).toBe('59,290');
    expect(await page.locator('[data-testid=field-trainable] .field-help').textContent()).toMatch(/^Frozen: training keeps these weights/);
    await screenshot(page, 'frozen-c3-1280x720');
  });

  it('a hand-set Gaussian on C1 asks for 1 filter per input channel, fixed in one click, and shows σ', async () => {
    await page.setViewportSize({ width: 1600, height: 1000 });
    await selectNode(page, 'c1');
    expect(await page.locator('[data-testid=field-sigma]').count()).toBe(0); // σ only for a Gaussian
    await setField(page, 'kernel', 'gaussian');
    const node = page.locator('.react-flow__node[data-id="c1"]');
    await expect.poll(() => node.locator('.layer-message').textContent()).toMatch(/filters must be the input's 1 channel, got 6/);
    await node.locator('.fix-button').click();
    await expect
      .poll(async () => (await docOf(page)).nodes.find((n) => n.id === 'c1')?.params)
      .toMatchObject({ kernel: 'gaussian', filters: 1 });
    await expect.poll(() => page.locator('[data-testid=frozen-c1]').textContent()).toBe('❄ 26 frozen');
    await page.locator('[data-testid=field-sigma]').waitFor();
    await setField(page, 'kernel', '0, 1, 0; 1, -4, 1; 0, 1, 0');
    await expect.poll(() => node.locator('.layer-message').textContent()).toMatch(/the kernel’s numbers are 3×3 but kernelSize is 5×5/);
    await node.locator('.fix-button').click();
    await expect
      .poll(async () => (await docOf(page)).nodes.find((n) => n.id === 'c1')?.params)
      .toMatchObject({
        kernelSize: 3,
        kernel: [
          [0, 1, 0],
          [1, -4, 1],
          [0, 1, 0],
        ],
      });
    expect(await page.locator('[data-testid=field-kernel] input').inputValue()).toBe('0, 1, 0; 1, -4, 1; 0, 1, 0');
    await screenshot(page, 'handset-c1-1600x1000');
    expect(errors).toEqual([]);
  });
});
