/**
 * The training form as a student meets it at 1280×720: the Nesterov momentum the templates train
 * with is shown and can be switched off (undoably) with the mouse, and the schedule select's text
 * is not cut.
 */
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshot } from './support/browser';
import { docOf, openTemplate } from './support/editorPage';
import { editorSession } from './support/session';

describe.skipIf(!chromiumAvailable())('the training form', { timeout: 300_000 }, () => {
  const session = editorSession({ width: 1280, height: 720 });

  it('shows the template’s Nesterov momentum, switched off and back with the mouse; the schedule’s text fits', async () => {
    const page = session.page();
    await openTemplate(page, 'resnet-small');
    await page.locator('[data-testid=tab-train]').click();
    const box = page.locator('[data-testid=nesterov]');
    expect(await box.isChecked()).toBe(true);
    await box.click();
    await expect.poll(async () => (await docOf(page)).training?.nesterov).toBe(false);
    await page.locator('[data-testid=cmd-undo]').click();
    await expect.poll(async () => (await docOf(page)).training?.nesterov).toBe(true);
    // Adam has no momentum to make Nesterov.
    await page.locator('[data-testid=optimizer]').selectOption('adam');
    await expect.poll(() => box.count()).toBe(0);
    await page.locator('[data-testid=cmd-undo]').click();
    await expect.poll(() => box.count()).toBe(1);

    const schedule = page.locator('[data-testid=schedule]');
    const fits = await schedule.evaluate((el) => {
      const select = el as HTMLSelectElement;
      const probe = document.createElement('span');
      probe.style.font = getComputedStyle(select).font;
      probe.textContent = select.selectedOptions[0]!.text;
      document.body.append(probe);
      const text = probe.getBoundingClientRect().width;
      probe.remove();
      return { text, box: select.clientWidth };
    });
    expect(fits.text + 24).toBeLessThanOrEqual(fits.box); // the text plus the arrow
    await screenshot(page, 'training-form-1280');
  });

  it('never threw in the page', () => {
    expect(session.errors()).toEqual([]);
  });
});
