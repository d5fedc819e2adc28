/**
 * Training LeNet-5 on the embedded MNIST from the browser, through the web host's trainer process:
 * the loss curve moves while it runs, and the results (test accuracy, confusion matrix,
 * misclassified digits) appear at the end. Also measures the longest main-thread task while
 * curves stream (PerformanceObserver 'longtask'; noisy on a shared 2-core machine).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, screenshot, watchErrors } from './support/browser';
import { webHostAvailable, type RunningHost } from './support/host';
import { openEditor } from './support/openEditor';

interface RunView {
  status: string;
  curves: { batchLoss: number[]; epochX: number[]; gradientNorms: object[] };
}

async function activeRun(page: Page): Promise<RunView | null> {
  return page.evaluate(() => {
    const t = (window as any).netcanvasEditor.training.getState();
    const run = t.runs.find((r: any) => r.runId === t.activeRunId);
    return run
      ? {
          status: run.status,
          curves: { batchLoss: [...run.curves.batchLoss], epochX: [...run.curves.epochX], gradientNorms: run.curves.gradientNorms },
        }
      : null;
  });
}

describe.skipIf(!chromiumAvailable() || !webHostAvailable())('training in Chromium', { timeout: 180_000 }, () => {
  let browser: Browser;
  let host: RunningHost;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ host, browser, page } = await openEditor({ height: 1000, prepare: (p) => void (errors = watchErrors(p)) }));
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('trains LeNet-5 on embedded MNIST: the loss curve moves, results appear', async () => {
    await page.locator('[data-testid=tab-train]').click();
    await page.locator('[data-testid=sample-limit]').fill('1200');
    const epochs = page.locator('.config-grid label:has-text("Epochs") input');
    await epochs.fill('2');
    await epochs.press('Enter');
    await page.evaluate(() => {
      const w = window as any;
      w.__tasks = [];
      w.__doneAt = Infinity;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__tasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: 'longtask' });
      // When the run ends: tasks before are "while curves stream", after are drawing the results.
      w.netcanvasEditor.training.subscribe((t: any) => {
        if (w.__doneAt === Infinity && t.runs.some((r: any) => r.status !== 'running')) w.__doneAt = performance.now();
      });
    });
    await page.locator('[data-testid=train-button]').click();

    await expect
      .poll(async () => (await activeRun(page))?.curves.batchLoss.length ?? 0, { timeout: 120_000, interval: 250 })
      .toBeGreaterThan(3);
    await page.locator('[data-testid=samples-per-second]').waitFor();
    await page.locator('[data-testid=dock-tab-details]').click();
    await page.locator('[data-testid=backend]').waitFor();
    await page.locator('[data-testid=dock-tab-curves]').click();
    const lossChart = page.locator('[data-testid=loss-chart] canvas');
    const early = await lossChart.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    await screenshot(page, 'training-running');

    await expect.poll(async () => (await activeRun(page))?.status, { timeout: 240_000, interval: 500 }).toMatch(/done|error/);
    const run = (await activeRun(page))!;
    expect(run.status).toBe('done');
    const losses = run.curves.batchLoss;
    expect(losses.length).toBeGreaterThan(5);
    // The curve moved, downward: the last batches' loss is below the first ones'.
    const head = losses.slice(0, 3).reduce((a, b) => a + b, 0) / 3;
    const tail = losses.slice(-3).reduce((a, b) => a + b, 0) / 3;
    expect(tail).toBeLessThan(head);
    expect(run.curves.epochX).toEqual([1, 2]);
    expect(run.curves.gradientNorms).toHaveLength(2);
    const late = await lossChart.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    expect(late).not.toBe(early);

    await page.locator('[data-testid=dock-tab-results]').click();
    await page.locator('[data-testid=results]').waitFor();
    const accuracy = await page.locator('[data-testid=test-accuracy]').textContent();
    expect(Number(accuracy!.replace('%', ''))).toBeGreaterThan(30);
    expect(await page.locator('[data-testid=confusion-matrix] tbody tr').count()).toBe(10);
    expect(await page.locator('[data-testid=misclassified] canvas').count()).toBeGreaterThan(0);
    await page.locator('[data-testid=dock-tab-results]').scrollIntoViewIfNeeded();
    await screenshot(page, 'training-results');
    // The first conv layer's six filters, at the start and trained: the pictures changed.
    await page.locator('[data-testid=dock-tab-filters]').click();
    const rows = page.locator('[data-testid=filters] .filter-row');
    expect(await rows.count()).toBe(2);
    expect((await rows.locator('.muted').allTextContents()).map((t) => t.replace(/±.*/, ''))).toEqual(['start', 'trained']);
    expect(await rows.nth(0).locator('canvas').count()).toBe(6);
    expect(await rows.nth(1).locator('canvas').count()).toBe(6);
    const picture = (row: number) =>
      rows
        .nth(row)
        .locator('canvas')
        .first()
        .evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    expect(await picture(1)).not.toBe(await picture(0));
    // Big enough to read each weight (they were about 16 px for a 5×5 filter: 3 px a weight).
    for (const box of await rows.locator('canvas').evaluateAll((cs) => cs.map((c) => c.getBoundingClientRect().toJSON()))) {
      expect(box.width / 5, 'screen pixels per weight of a 5×5 filter').toBeGreaterThanOrEqual(9);
      expect(box.height).toBeCloseTo(box.width, 0);
    }
    await screenshot(page, 'training-filters');
    await page.locator('[data-testid=dock-tab-curves]').click();
    await page.locator('[data-testid=gradient-chart]').waitFor();
    await screenshot(page, 'training-gradients');

    const tasks = await page.evaluate(() => ({
      all: (window as any).__tasks as { start: number; duration: number }[],
      doneAt: (window as any).__doneAt as number,
    }));
    const streaming = tasks.all.filter((t) => t.start < tasks.doneAt).map((t) => t.duration);
    const after = tasks.all.filter((t) => t.start >= tasks.doneAt).map((t) => t.duration);
    console.log(
      `while curves streamed: ${losses.length} batch points, long tasks ${JSON.stringify(streaming.map(Math.round))}; ` +
        `drawing the results: ${JSON.stringify(after.map(Math.round))}; test accuracy ${accuracy}`,
    );
    expect(errors).toEqual([]);
  }, 400_000);

  it('stops a second run on request; the first run’s curves stay overlaid on it', async () => {
    await page.locator('[data-testid=train-button]').click();
    await expect
      .poll(async () => (await activeRun(page))?.curves.batchLoss.length ?? 0, { timeout: 120_000, interval: 250 })
      .toBeGreaterThan(1);
    await page.locator('[data-testid=stop-button]').click();
    await expect.poll(async () => (await activeRun(page))?.status, { timeout: 60_000, interval: 250 }).toBe('stopped');
    await expect.poll(() => page.locator('[data-testid=loss-chart] .u-legend .u-series').count()).toBe(4); // two runs × (train, validation)
    const legend = await page.locator('[data-testid=loss-chart] .u-legend').textContent();
    expect(legend).toContain('LeNet-5 train');
    expect(legend).toContain('LeNet-5 #2 validation'); // the same setup again: numbered
    await screenshot(page, 'training-overlay');
    expect(errors).toEqual([]);
  }, 300_000);

  it('"on the CPU only" trains on the CPU as asked, not by the automatic choice, and stays out of the graph file', async () => {
    await page.locator('[data-testid=tab-train]').click();
    const hardware = page.locator('[data-testid=hardware]');
    expect(await hardware.inputValue()).toBe('auto');
    await hardware.selectOption('cpu');
    await page.locator('[data-testid=train-button]').click();
    await page.locator('[data-testid=dock-tab-details]').click();
    // The automatic choice lists the backends it passed over; one asked for lists none.
    await expect
      .poll(
        async () =>
          (await page
            .locator('[data-testid=backend]')
            .textContent()
            .catch(() => '')) ?? '',
        { timeout: 120_000, interval: 250 },
      )
      .toContain('as asked');
    expect(await page.locator('[data-testid=backend] b').textContent()).toBe('wasm');
    expect(await page.locator('[data-testid=backend] .skipped').count()).toBe(0);
    expect(await page.evaluate(() => JSON.stringify((window as any).netcanvasEditor.store.getState().doc))).not.toContain('wasm');
    await page.locator('[data-testid=train-buttons]').scrollIntoViewIfNeeded();
    await screenshot(page, 'training-on-cpu');
    await page.locator('[data-testid=stop-button]').click();
    await expect.poll(async () => (await activeRun(page))?.status, { timeout: 60_000, interval: 250 }).toMatch(/stopped|done/);
    await hardware.selectOption('auto');
    expect(errors).toEqual([]);
  }, 240_000);

  it('after a GPU failure, "Train on the CPU instead" starts the run again on the CPU', async () => {
    await page.locator('[data-testid=tab-train]').click();
    // The events a trainer sends when a laptop GPU runs out of memory (engine/train/webgpu/device/faults.ts
    // makes them; test/engine/train/webgpu/device/faults.test.ts checks that on a real Dawn device).
    await page.evaluate(() => {
      const training = (window as any).netcanvasEditor.training;
      training.getState().setLastDataset({ source: 'embedded:mnist', limit: 300, testLimit: 200 });
      const runId = 'gpu-failed';
      training.getState().begin(runId, 'LeNet-5 on the GPU');
      training.getState().handle({
        type: 'started',
        runId,
        params: 61706,
        config: { epochs: 1 },
        backend: {
          name: 'webgpu',
          detail: 'Dawn on intel gen-12lp Intel(R) Iris(R) Xe Graphics',
          skipped: [],
          device: 'intel gen-12lp Intel(R) Iris(R) Xe Graphics',
        },
        dataset: {
          name: 'MNIST (embedded subset)',
          trainCount: 1900,
          validationCount: 100,
          testCount: 400,
          shape: [28, 28, 1],
          classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
        },
      });
      training.getState().handle({
        type: 'error',
        runId,
        kind: 'backend',
        checkpoint: null,
        message:
          'training stopped by epoch 1, batch 8: the GPU (intel gen-12lp Intel(R) Iris(R) Xe Graphics) ran out of memory. Try a smaller batch size (now 512), or train on the CPU (in the app, "on the CPU only" beside Train; in the CLI, --backend wasm).',
      });
    });
    const retry = page.locator('[data-testid=retry-on-cpu]');
    await screenshot(page, 'training-gpu-failed');
    await retry.click();
    await page.locator('[data-testid=dock-tab-details]').click();
    await expect
      .poll(
        async () =>
          (await page
            .locator('[data-testid=backend]')
            .textContent()
            .catch(() => '')) ?? '',
        { timeout: 120_000, interval: 250 },
      )
      .toContain('as asked');
    expect(await page.locator('[data-testid=backend] b').textContent()).toBe('wasm');
    expect(await page.locator('[data-testid=hardware]').inputValue()).toBe('cpu');
    // The CPU run may already be done (a few hundred samples train in seconds), its Stop disabled.
    const stop = page.locator('[data-testid=stop-button]');
    if (await stop.isEnabled()) await stop.click({ timeout: 5_000 }).catch(() => undefined);
    await expect.poll(async () => (await activeRun(page))?.status, { timeout: 60_000, interval: 250 }).toMatch(/stopped|done/);
    await page.locator('[data-testid=hardware]').selectOption('auto');
    expect(errors).toEqual([]);
  }, 240_000);

  it('the Runner select switches the graph between TensorFlow.js and PyTorch', async () => {
    await page.locator('[data-testid=tab-train]').click();
    const runner = page.locator('[data-testid=runner]');
    const saved = () => page.evaluate(() => (window as any).netcanvasEditor.store.getState().doc.training?.runner ?? null);
    expect(await runner.inputValue()).toBe('tfjs');
    expect(await runner.locator('option').allTextContents()).toEqual(['TensorFlow.js', 'PyTorch']);
    await runner.selectOption('pytorch');
    expect(await saved()).toBe('pytorch');
    await runner.selectOption('tfjs');
    expect(await saved()).toBeNull();
    expect(errors).toEqual([]);
  });

  it('draws the learning rate of every epoch under the schedule, as the trainer will use it', async () => {
    await page.locator('[data-testid=tab-train]').click();
    const commit = async (label: string, value: string) => {
      const input = page.locator(`.config-grid label:has-text("${label}") input`);
      await input.fill(value);
      await input.press('Enter');
    };
    const rates = () =>
      page.locator('[data-testid=schedule-preview] rect').evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('data-lr'))));
    await commit('Learning rate', '0.08');
    await commit('Epochs', '6');
    await page.locator('[data-testid=schedule]').selectOption('step');
    await commit('Every N epochs', '2');
    await commit('γ', '0.5');
    expect(await rates()).toEqual([0.08, 0.08, 0.04, 0.04, 0.02, 0.02]);
    expect(await page.locator('[data-testid=schedule-preview] figcaption').textContent()).toBe(
      'Learning rate by epoch: 0.08 in epoch 1 → 0.02 in epoch 6',
    );
    await screenshot(page, 'training-schedule');

    await page.locator('[data-testid=schedule]').selectOption('inverseTime');
    // Its decay defaults to 1: the lecture's ε_t = c/t, with t counted from 1.
    expect(await rates()).toEqual([1, 2, 3, 4, 5, 6].map((t) => 0.08 / t));
    await page.locator('[data-testid=schedule]').selectOption('constant');
    expect(await rates()).toEqual([0.08, 0.08, 0.08, 0.08, 0.08, 0.08]);
    expect(errors).toEqual([]);
  });

  it('says how many minibatches SGD’s momentum averages over', async () => {
    await page.locator('[data-testid=tab-train]').click();
    await page.locator('[data-testid=optimizer]').selectOption('sgd');
    const field = page.locator('.config-grid .field:has(label:has-text("Momentum"))');
    const momentum = field.locator('input');
    await momentum.fill('0.99');
    await momentum.press('Enter');
    expect(await field.locator('.field-help').textContent()).toBe(
      'v ← μv − εg: each step follows about the last 100 minibatches’ gradients',
    );
    await momentum.fill('0');
    await momentum.press('Enter');
    expect(await field.locator('.field-help').textContent()).toMatch(/plain SGD/);
    expect(errors).toEqual([]);
  });
});
