/**
 * The web host's in-page file chooser as a student uses it, with the mouse, at 1280×720: it lists
 * folders and graph files only (drawn marks, no emoji font needed), a typed folder opens on Enter
 * instead of closing the dialog with an error, the next dialog starts where the last one was left
 * (also after a reload), and Open offers the recent graphs.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshot } from './support/browser';
import { webHostAvailable } from './support/host';
import { editorSession } from './support/session';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-chooser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'lessons'));
writeFileSync(join(dir, 'lessons', 'mine.json'), readFileSync('templates/mlp.json', 'utf8').replace('"name": "MLP"', '"name": "Mine"'));
writeFileSync(join(dir, 'notes.txt'), 'not a graph');
writeFileSync(join(dir, 'photo.png'), 'not a graph either');

describe.skipIf(!chromiumAvailable() || !webHostAvailable())('the in-page file chooser', { timeout: 300_000 }, () => {
  const session = editorSession({ width: 1280, height: 720 });

  it('lists folders and graphs, opens a typed folder on Enter, starts in the last folder and offers recent graphs', async () => {
    const page = session.page();
    const folderShown = () => page.locator('[data-testid=path-dialog] .path-bar code').textContent();
    const names = () => page.locator('[data-testid=path-dialog] .file-entry').allTextContents();

    await page.locator('[data-testid=cmd-saveAs]').click();
    await page.locator('[data-testid=path-dialog]').waitFor();
    await page.locator('[data-testid=path-input]').fill(dir);
    await page.locator('[data-testid=path-input]').press('Enter');
    // The folder opened; the dialog is still there.
    await expect.poll(folderShown).toBe(dir);
    expect(await page.locator('[data-testid=path-dialog]').isVisible()).toBe(true);
    expect((await names()).map((n) => n.trim())).toEqual(['lessons']);
    const mark = await page.locator('.file-entry.folder .file-icon').boundingBox();
    expect(mark!.width).toBeGreaterThan(8);
    await page.locator('[data-testid=path-input]').fill('saved.json');
    await page.locator('[data-testid=path-ok]').click();
    await page.locator('[data-testid=path-dialog]').waitFor({ state: 'detached' });
    await expect.poll(() => existsSync(join(dir, 'saved.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'saved.json'), 'utf8'))).toHaveProperty('nodes');

    await page.locator('[data-testid=cmd-open]').click();
    await expect.poll(folderShown).toBe(dir); // where the last dialog was left, not the home folder
    // Never the last dialog's listing (['lessons'], before saved.json was written) while this one loads.
    const seen: string[][] = [];
    await expect
      .poll(async () => {
        const now = (await names()).map((n) => n.trim());
        if (now.length > 0) seen.push(now);
        return now;
      })
      .toEqual(['lessons', 'saved.json']);
    expect(seen.filter((listed) => listed.join() !== 'lessons,saved.json')).toEqual([]);
    expect(await page.locator('[data-testid=recent-files] button').allTextContents()).toEqual(['saved.json']);
    await screenshot(page, 'path-dialog-1280');
    await page.locator('.file-entry.folder', { hasText: 'lessons' }).click();
    await expect.poll(folderShown).toBe(join(dir, 'lessons'));
    await page.locator('.file-entry.file', { hasText: 'mine.json' }).click();
    await page.locator('[data-testid=path-dialog]').waitFor({ state: 'detached' });
    await expect
      .poll(() =>
        page
          .locator('[data-testid=doc-name]')
          .textContent()
          .catch(() => null),
      )
      .toContain('Mine');

    await page.reload();
    await page.locator('.layer-node').first().waitFor();
    await page.locator('[data-testid=cmd-open]').click();
    await expect.poll(folderShown).toBe(join(dir, 'lessons'));
    await page.keyboard.press('Escape');
  });

  it('never threw in the page', () => {
    expect(session.errors()).toEqual([]);
  });
});
