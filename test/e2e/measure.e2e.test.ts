/**
 * Measuring trained runs in the app, in Chromium against the web host's trainer, with the mouse:
 * dropout's two test-time rules plotted against k in a run's results (weight scaling is the run's
 * own test accuracy), two runs evaluated as an ensemble from the run history (table and bars), and
 * a run started from another run's weights frozen through a node, with the trainer's report of
 * what loaded and what started fresh; a graph that no longer matches, a missing checkpoint and a
 * run without dropout each get their message. Screenshots at 1280×720 and 1600×1000.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable, screenshot } from './support/browser';
import { answerPathDialog, openTemplate, selectNode, setField } from './support/editorPage';
import { webHostAvailable } from './support/host';
import { editorSession } from './support/session';
import { trainToEnd } from './support/training';

interface RunState {
  runId: string;
  label: string;
  status: string;
  testAccuracy: number | null;
}

const runs = (page: Page): Promise<RunState[]> =>
  page.evaluate(() =>
    (window as any).netcanvasEditor.training.getState().runs.map((r: any) => ({
      runId: r.runId,
      label: r.label,
      status: r.status,
      testAccuracy: r.done?.metrics.testAccuracy ?? null,
    })),
  );

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

describe.skipIf(!chromiumAvailable() || !webHostAvailable())(
  'measuring runs: MC dropout, ensembles, start from a checkpoint',
  { timeout: 600_000 },
  () => {
    const session = editorSession({ width: 1280, height: 720 });
    let page: Page;
    let first: RunState;
    let second: RunState;
    beforeAll(() => {
      page = session.page();
    });

    const train = () => trainToEnd(page, runs);

    /** Drags the dock's top edge with the mouse to `y`: up so its charts have room, down so the Train tab has. */
    async function dockEdgeTo(y: number) {
      const handle = await page.locator('[data-testid=dock-resize]').boundingBox();
      await page.mouse.move(handle!.x + handle!.width / 2, handle!.y + handle!.height / 2);
      await page.mouse.down();
      await page.mouse.move(handle!.x + handle!.width / 2, y, { steps: 8 });
      await page.mouse.up();
    }
    const tallDock = () => dockEdgeTo(60);
    const lowDock = async () => dockEdgeTo((await page.evaluate(() => innerHeight)) - 100);

    const showResults = async (run: RunState) => {
      await page.locator(`[data-testid=run-name-${run.runId}]`).click();
      await page.locator('[data-testid=dock-tab-results]').click();
    };

    it('plots Monte-Carlo dropout against k beside weight scaling, which is the run’s own test accuracy', async () => {
      await openTemplate(page, 'mlp');
      await page.locator('[data-testid=tab-train]').click();
      await page.locator('[data-testid=sample-limit]').fill('600');
      await setField(page, 'epochs', '1');
      first = await train();
      expect(first.status).toBe('done');
      await showResults(first);
      await page.locator('[data-testid=mc-measure]').click();
      await page.locator('[data-testid=mc-chart]').waitFor({ timeout: 120_000 });
      for (const k of [1, 2, 5, 10, 20, 50]) expect(await page.locator(`[data-testid=mc-point-${k}]`).count()).toBe(1);
      expect(await page.locator('[data-testid=mc-ws-accuracy]').textContent()).toBe(pct(first.testAccuracy!));
      expect(await page.locator('[data-testid=test-accuracy]').textContent()).toBe(pct(first.testAccuracy!));
      // Dots sit at different heights: the k-pass averages differ from one another.
      const heights = await page.locator('[data-testid=mc-chart] circle').evaluateAll((cs) => cs.map((c) => c.getAttribute('cy')));
      expect(new Set(heights).size).toBeGreaterThan(1);
      expect(await page.locator('[data-testid=mc-table] tbody tr').count()).toBe(7);
      await tallDock();
      await page.locator('[data-testid=mc-chart]').scrollIntoViewIfNeeded();
      await screenshot(page, 'measure-1280-mc-dropout');
    });

    it('evaluates two runs of the history as an ensemble: each member’s error, their mean and the ensemble’s', async () => {
      await setField(page, 'learningRate', '0.02');
      second = await train();
      expect(second.status).toBe('done');
      await page.locator('[data-testid=dock-tab-ensemble]').click();
      await page.locator(`[data-testid=ensemble-member-${first.runId}]`).click();
      await page.locator(`[data-testid=ensemble-member-${second.runId}]`).click();
      await page.locator('[data-testid=ensemble-measure]').click();
      await page.locator('[data-testid=ensemble-table]').waitFor({ timeout: 120_000 });
      const cells = await page
        .locator('[data-testid=ensemble-table] tbody tr')
        .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
      expect(cells.map((r) => r[0])).toEqual([first.label, second.label, 'mean of the members', 'ensemble (average of 2)']);
      expect(cells[0]![1]).toBe(pct(1 - first.testAccuracy!));
      expect(cells[1]![1]).toBe(pct(1 - second.testAccuracy!));
      expect(cells[2]![1]).toBe(pct((2 - first.testAccuracy! - second.testAccuracy!) / 2));
      expect(await page.locator('[data-testid=ensemble-chart] rect').count()).toBe(4);
      const widths = await page
        .locator('[data-testid=ensemble-chart] rect')
        .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('width'))));
      expect(widths.every((w) => w > 0)).toBe(true);
      await screenshot(page, 'measure-1280-ensemble');
    });

    it('starts a run from the first run’s weights frozen through h1; the trainer’s report is shown', async () => {
      await page.locator('[data-testid=tab-train]').click();
      await page.locator('[data-testid=start-from-select]').selectOption(`run:${first.runId}`);
      await page.locator('[data-testid=freeze-through]').selectOption('h1');
      const tuned = await train();
      expect(tuned.status).toBe('done');
      await page.locator('[data-testid=tab-train]').click();
      const report = page.locator('[data-testid=start-from] [data-testid=init-report]');
      await report.waitFor();
      expect(await report.textContent()).toContain(`started from the run “${first.label}”, frozen through h1`);
      expect(await report.locator('[data-testid=init-loaded]').textContent()).toBe('Loaded: h1, h2, out');
      const frozen = await page.evaluate(
        async (runId) =>
          (await (window as any).netcanvas.request('runs.read', { runId })).graph.nodes
            .filter((n: any) => n.trainable === false)
            .map((n: any) => n.id),
        tuned.runId,
      );
      expect(frozen).toEqual(['h1']);
      await lowDock();
      await report.scrollIntoViewIfNeeded();
      await screenshot(page, 'measure-1280-start-from');
    });

    it('a graph that no longer matches the checkpoint file chosen in the path dialog: the nodes that changed start fresh, and why', async () => {
      await page.locator('[data-testid=tab-inspect]').click();
      await page.locator('[data-testid=cmd-zoomToFit]').click();
      await selectNode(page, 'h2');
      await setField(page, 'units', '64');
      await page.locator('[data-testid=tab-train]').click();
      // The first run's checkpoint as a file, chosen as a student would (the web host's path prompt).
      const dataDir = await page.evaluate(async () => (await (window as any).netcanvas.request('host.info', {})).dataDir as string);
      await page.locator('[data-testid=start-from-file]').click();
      await answerPathDialog(page, `${dataDir}/runs/${first.runId}/weights.json`);
      await expect.poll(() => page.locator('[data-testid=start-from-select]').inputValue(), { timeout: 30_000 }).toBe('file');
      await page.locator('[data-testid=freeze-through]').selectOption('');
      const changed = await train();
      expect(changed.status).toBe('done');
      await page.locator('[data-testid=tab-train]').click();
      const report = page.locator('[data-testid=start-from] [data-testid=init-report]');
      await expect.poll(() => report.locator('[data-testid=init-loaded]').textContent(), { timeout: 30_000 }).toBe('Loaded: h1');
      expect(await report.textContent()).toContain('started from weights.json.');
      const fresh = await report.locator('[data-testid=init-fresh]').textContent();
      expect(fresh).toContain('h2: its kernel is 256×128 in the checkpoint but 256×64 here');
      expect(fresh).toContain('out: its kernel is 128×10 in the checkpoint but 64×10 here');
      await lowDock();
      await report.scrollIntoViewIfNeeded();
      await screenshot(page, 'measure-1280-start-from-mismatch');
    });

    it('says what is wrong: a missing checkpoint file, and MC dropout on a run without dropout', async () => {
      await page.locator('[data-testid=start-from-file]').click();
      await answerPathDialog(page, '/tmp/netcanvas-no-such.weights.json');
      await page.locator('[data-testid=train-button]').click();
      await expect
        .poll(() => page.locator('[data-testid=notice]').allTextContents(), { timeout: 30_000 })
        .toContainEqual(expect.stringContaining('There is no checkpoint /tmp/netcanvas-no-such.weights.json'));
      await page.locator('[data-testid=start-from-select]').selectOption('');

      await page.locator('[data-testid=tab-inspect]').click();
      await page.locator('[data-testid=cmd-zoomToFit]').click();
      await selectNode(page, 'd1');
      await setField(page, 'rate', '0');
      const noDropout = await train();
      expect(noDropout.status).toBe('done');
      await showResults(noDropout);
      await page.locator('[data-testid=mc-measure]').click();
      await expect
        .poll(() => page.locator('[data-testid=mc-error]').textContent(), { timeout: 30_000 })
        .toMatch(/has no dropout, so every pass is the same net and there is nothing to average/);
    });

    it('at 1600×1000: the same views, and nothing threw', async () => {
      await page.setViewportSize({ width: 1600, height: 1000 });
      await showResults(first);
      await page.locator('[data-testid=mc-chart]').waitFor();
      await tallDock();
      await page.locator('[data-testid=mc-chart]').scrollIntoViewIfNeeded();
      await screenshot(page, 'measure-1600-mc-dropout');
      await page.locator('[data-testid=dock-tab-ensemble]').click();
      await page.locator('[data-testid=ensemble-chart]').waitFor();
      await screenshot(page, 'measure-1600-ensemble');
      await page.locator('[data-testid=tab-train]').click();
      await page.locator('[data-testid=start-from-select]').selectOption(`run:${first.runId}`);
      await lowDock();
      await page.locator('[data-testid=start-from]').scrollIntoViewIfNeeded();
      await screenshot(page, 'measure-1600-start-from');
      expect(session.errors()).toEqual([]);
    });
  },
);
