/**
 * `npm run bench:first-batch`: how long a student waits between pressing Train and the first loss
 * point, in the app's web host in Debian's Chromium at 1280×720. For each template, opened from the
 * gallery and trained with its own settings and the Train button's defaults, it clicks Train with
 * the mouse and times, on the page's clock:
 * - `started`: the trainer process is up, the backend chosen, the data loaded and the model built
 *   (the `started` event reached the page),
 * - `first batch`: the first batch's loss reached the page,
 * and what the dock's header said meanwhile; then it presses Stop and waits for the run to end.
 *
 *   npm run bench:first-batch [-- --only lenet5,resnet-small --repeat 2]
 */
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { openTemplate } from '../test/e2e/support/editorPage';
import { openEditor } from '../test/e2e/support/openEditor';

interface Timing {
  started: number | null;
  firstBatch: number | null;
  /** What the dock header said the run was doing, each time it changed before the first batch. */
  said: string[];
}

async function centre(page: Page, selector: string) {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`not visible: ${selector}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function timeFirstBatch(page: Page): Promise<Timing> {
  await page.evaluate('window.__name = (f) => f'); // tsx names functions with a helper the page lacks
  const known = await page.evaluate(() => (window as any).netcanvasEditor.training.getState().runs.length as number);
  await page.evaluate((before: number) => {
    const w = window as any;
    const m = { t0: 0, started: null as number | null, firstBatch: null as number | null, said: [] as string[] };
    w.__firstBatch = m;
    // What the header says the run is doing ("starting the trainer…", "loading the data…"), not its numbers.
    const status = () => [...document.querySelectorAll('[data-testid=run-status] .muted')].map((e) => e.textContent?.trim()).join(' ');
    const watch = () => {
      const s = status();
      if (m.t0 > 0 && m.firstBatch === null && s && s !== m.said.at(-1)) m.said.push(s);
      if (m.firstBatch === null) requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
    w.netcanvasEditor.training.subscribe((t: any) => {
      const run = t.runs.length > before ? t.runs.at(-1) : null;
      if (!run || m.t0 === 0) return;
      if (run.started && m.started === null) m.started = performance.now() - m.t0;
      if (run.curves.batchLoss.length > 0 && m.firstBatch === null) m.firstBatch = performance.now() - m.t0;
    });
  }, known);
  const train = await centre(page, '[data-testid=train-button]');
  await page.mouse.move(train.x, train.y);
  await page.evaluate(() => {
    (window as any).__firstBatch.t0 = performance.now();
  });
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForFunction(() => (window as any).__firstBatch.firstBatch !== null, null, { timeout: 300_000, polling: 100 });
  const timing = (await page.evaluate(() => (window as any).__firstBatch)) as Timing;
  const stop = await centre(page, '[data-testid=stop-button]');
  await page.mouse.click(stop.x, stop.y);
  await page.waitForFunction(() => (window as any).netcanvasEditor.training.getState().runs.at(-1).status !== 'running', null, {
    timeout: 300_000,
  });
  return timing;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, repeat: { type: 'string' } } });
  const templates = (values.only ?? 'lenet5,plain-cnn,resnet-small').split(',');
  const repeat = Number(values.repeat ?? 2);
  const { host, browser, page } = await openEditor({ width: 1280, height: 720 });
  const s = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);
  try {
    for (const id of templates) {
      await openTemplate(page, id);
      await page.locator('[data-testid=tab-train]').click();
      for (let i = 0; i < repeat; i++) {
        const t = await timeFirstBatch(page);
        console.log(
          `${id.padEnd(13)} try ${i + 1}: started after ${s(t.started)}, first batch after ${s(t.firstBatch)}; the dock said: ${t.said.join(' → ')}`,
        );
      }
    }
  } finally {
    await browser.close();
    await host.close();
  }
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
