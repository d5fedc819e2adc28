/**
 * Opening files in the browser through the web host's in-page path prompt, as a student does:
 * the chosen graph opens (the host was told of the choice), and a system file typed into the
 * prompt is refused with a message, its contents never reaching the page.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshot, watchErrors } from './support/browser';
import { docOf } from './support/editorPage';
import { webHostAvailable, type RunningHost } from './support/host';
import { openEditor } from './support/openEditor';

describe.skipIf(!chromiumAvailable() || !webHostAvailable())('files in Chromium (web host)', { timeout: 180_000 }, () => {
  let browser: Browser;
  let host: RunningHost;
  let page: Page;
  let errors: string[];
  const dir = mkdtempSync(join(tmpdir(), 'netcanvas-e2e-files-'));

  beforeAll(async () => {
    ({ host, browser, page } = await openEditor({ prepare: (p) => void (errors = watchErrors(p)) }));
    const doc = JSON.parse(readFileSync(resolve('templates/mlp.json'), 'utf8')) as { name: string };
    writeFileSync(join(dir, 'my-net.json'), JSON.stringify({ ...doc, name: 'My own net' }));
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function openByTyping(path: string, size: { width: number; height: number }, shot: string) {
    await page.setViewportSize(size);
    await page.getByTestId('cmd-open').click();
    const input = page.getByTestId('path-input');
    await input.click();
    await input.fill(path);
    await screenshot(page, `${shot}-prompt`);
    await page.getByTestId('path-ok').click();
  }

  it('opens a graph typed into the path prompt, at 1280×720', async () => {
    await openByTyping(join(dir, 'my-net.json'), { width: 1280, height: 720 }, 'files-open-1280');
    await expect.poll(async () => (await docOf(page)).name, { timeout: 15_000 }).toBe('My own net');
    await screenshot(page, 'files-opened-1280');
  });

  it('refuses /etc/passwd typed into the prompt, in words, at 1600×1000', async () => {
    await openByTyping('/etc/passwd', { width: 1600, height: 1000 }, 'files-refused-1600');
    const notice = page.getByTestId('notice').filter({ hasText: '/etc/passwd' });
    await notice.first().waitFor({ timeout: 15_000 });
    expect(await notice.first().innerText()).toContain('NetCanvas cannot use /etc/passwd: it is in a system folder (/etc)');
    await screenshot(page, 'files-refused-1600');
    expect((await docOf(page)).name).toBe('My own net');
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
