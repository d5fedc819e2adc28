/**
 * Responsiveness, measured in Chromium (numbers are noisy: the machine's 2 cores are shared).
 * A 300-node graph: the re-check after an edit and the time until the canvas has painted it;
 * panning: frame intervals and long tasks while dragging the view.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { checkGraph } from '../../engine/check/checkGraph';
import { residualTower } from './support/bigGraph';
import { chromiumAvailable, screenshot } from './support/browser';
import type { RunningHost } from './support/host';
import { openEditor } from './support/openEditor';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.skipIf(!chromiumAvailable())('responsiveness with a 300-node graph', { timeout: 180_000 }, () => {
  let browser: Browser;
  let host: RunningHost;
  let page: Page;

  beforeAll(async () => {
    ({ host, browser, page } = await openEditor());
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('re-checks after an edit well within a frame and paints the change promptly', async () => {
    const doc = residualTower(300);
    expect(doc.nodes).toHaveLength(300);
    expect(checkGraph(doc).ok).toBe(true);
    await page.evaluate((d) => {
      const e = (window as any).netcanvasEditor;
      e.store.getState().perform(e.actions.loadDocument, { doc: d });
    }, doc as any);
    await page.locator('.react-flow__node').first().waitFor();
    const samples = await page.evaluate(async () => {
      const e = (window as any).netcanvasEditor;
      const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const out: { check: number; paint: number; idle: number }[] = [];
      for (let i = 0; i < 12; i++) {
        // The same two frames with no edit: what the browser's frame pacing alone costs.
        const i0 = performance.now();
        await frame();
        const idle = performance.now() - i0;
        const t0 = performance.now();
        e.store.getState().perform(e.actions.setParam, { nodeId: `conv${i * 5}`, name: 'kernelSize', value: i % 2 ? 3 : 5 });
        const check = e.lastCheckDuration();
        await frame();
        out.push({ check, paint: performance.now() - t0, idle });
      }
      return out;
    });
    const checks = samples.slice(2).map((s) => s.check);
    const paints = samples.slice(2).map((s) => s.paint);
    const idles = samples.slice(2).map((s) => s.idle);
    console.log(
      `300 nodes: re-check median ${median(checks).toFixed(2)} ms, max ${Math.max(...checks).toFixed(2)} ms; edit → painted median ${median(paints).toFixed(1)} ms, max ${Math.max(...paints).toFixed(1)} ms (two idle frames: median ${median(idles).toFixed(1)} ms)`,
    );
    expect(median(checks)).toBeLessThan(16);
    await page.locator('[data-testid=cmd-zoomToFit]').click();
    await page.waitForTimeout(400);
    await screenshot(page, 'responsiveness-300-nodes');
  });

  it('pans smoothly', async () => {
    await page.evaluate(() => {
      const w = window as any;
      w.__frames = [];
      w.__longest = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__longest = Math.max(w.__longest, entry.duration);
      }).observe({ type: 'longtask' });
      let last = performance.now();
      const tick = (t: number) => {
        w.__frames.push(t - last);
        last = t;
        if (w.__frames.length < 100000) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await page.mouse.move(pane.x + 200, pane.y + pane.height - 60);
    await page.mouse.down();
    for (let i = 0; i < 60; i++) await page.mouse.move(pane.x + 200 + i * 6, pane.y + pane.height - 60 - i * 4);
    await page.mouse.up();
    const { frames, longest } = await page.evaluate(() => {
      const w = window as any;
      const frames = (w.__frames as number[]).slice(2);
      return { frames, longest: w.__longest as number };
    });
    const mean = frames.reduce((a, b) => a + b, 0) / frames.length;
    console.log(
      `panning: ${frames.length} frames, mean ${mean.toFixed(1)} ms, worst ${Math.max(...frames).toFixed(1)} ms; longest task ${longest.toFixed(0)} ms`,
    );
    expect(frames.length).toBeGreaterThan(10);
  });
});
