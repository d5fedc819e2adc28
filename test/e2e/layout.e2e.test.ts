/**
 * Every template, as a student opens it and after auto-layout, measured on screen in Chromium:
 * every edge is drawn, no edge runs through a node it does not connect, and each shape label sits
 * on its own edge and off the nodes.
 */
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable, screenshot } from './support/browser';
import { docOf, openTemplate } from './support/editorPage';
import { drawingProblems, measureDrawing } from './support/geometry';
import { webHostAvailable } from './support/host';
import { editorSession } from './support/session';

const TEMPLATES = readdirSync('templates')
  .filter((n) => n.endsWith('.json'))
  .map((n) => n.slice(0, -5))
  .sort();

describe.skipIf(!chromiumAvailable() || !webHostAvailable())(
  'the canvas draws every edge of every template in view',
  { timeout: 240_000 },
  () => {
    const session = editorSession({ width: 1600, height: 1000 });
    let page: Page;
    beforeAll(() => {
      page = session.page();
    });

    /** Fits the whole graph in view (so every element is rendered) and measures once the view settles. */
    async function measureAll() {
      await page.locator('[data-testid=cmd-zoomToFit]').click();
      await page.waitForTimeout(450);
      const doc = await docOf(page);
      await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(doc.edges.length);
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(doc.nodes.length);
      return measureDrawing(page);
    }

    for (const id of TEMPLATES) {
      it(`${id}: as opened and after auto-layout`, async () => {
        await openTemplate(page, id);
        const opened = await measureAll();
        expect(await page.locator('.react-flow__minimap').count(), 'a minimap where the canvas has room').toBe(1);
        await screenshot(page, `layout-${id}-opened`);
        expect(drawingProblems(opened)).toEqual([]);

        const before = (await docOf(page)).layout;
        await page.locator('[data-testid=cmd-autoLayout]').click();
        await expect.poll(async () => (await docOf(page)).layout, { timeout: 10_000 }).not.toBe(before);
        await page.waitForTimeout(300); // auto-layout then shows the graph readable, from its top
        const laid = await measureAll();
        await screenshot(page, `layout-${id}-auto`);
        expect(drawingProblems(laid)).toEqual([]);
      });
    }

    it('never threw in the page', () => {
      expect(session.errors()).toEqual([]);
    });
  },
);
