/**
 * `npm run bench:ui`: is the UI responsive while loss curves stream? Starts the web host (its
 * trainer process beside the page, as in the app), opens the editor in Debian's Chromium, trains
 * LeNet-5 on the embedded MNIST and records, while batches stream in:
 * - every task over 50 ms (PerformanceObserver 'longtask': the issue's "longest main-thread task"),
 * - the gap between animation frames (a number below 50 ms too),
 * - each long animation frame split into script and the rest (style, layout, paint, or waiting
 *   for a CPU), to say where time goes.
 *
 *   npm run bench:ui [-- --samples 6000 --epochs 2]
 * Set NETCANVAS_WASM_THREADS to override the trainer's threads (the hosts leave one core to the UI).
 */
import { availableParallelism } from 'node:os';
import { openEditor } from '../test/e2e/support/openEditor';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

interface Measured {
  batches: number;
  tasks: number[];
  gaps: number[];
  frames: { duration: number; script: number }[];
}

async function main() {
  const samples = arg('--samples', 6000);
  const epochs = arg('--epochs', 2);
  const { host, browser, page } = await openEditor({ height: 1000 });
  try {
    await page.locator('[data-testid=tab-train]').click();
    await page.locator('[data-testid=sample-limit]').fill(String(samples));
    const epochsInput = page.locator('.config-grid label:has-text("Epochs") input');
    await epochsInput.fill(String(epochs));
    await epochsInput.press('Enter');
    // tsx names functions with an `__name` helper that the page does not have.
    await page.evaluate('window.__name = (f) => f');
    await page.evaluate(() => {
      const w = window as any;
      const m = { batches: 0, tasks: [] as number[], gaps: [] as number[], frames: [] as object[], streaming: false, over: false };
      w.__measure = m;
      w.netcanvasEditor.training.subscribe((t: any) => {
        const run = t.runs.find((r: any) => r.runId === t.activeRunId);
        if (!run) return;
        m.batches = run.curves.batchLoss.length;
        m.streaming = run.status === 'running' && m.batches > 0;
        if (run.status !== 'running') m.over = true;
      });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (m.streaming) m.tasks.push(e.duration);
      }).observe({ type: 'longtask' });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as any[]) {
          if (m.streaming) m.frames.push({ duration: e.duration, script: (e.scripts as any[]).reduce((s, x) => s + x.duration, 0) });
        }
      }).observe({ type: 'long-animation-frame' });
      let last = performance.now();
      const frame = (now: number) => {
        if (m.streaming) m.gaps.push(now - last);
        last = now;
        if (!m.over) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    const started = Date.now();
    await page.locator('[data-testid=train-button]').click();
    await page.waitForFunction(() => (window as any).__measure.over, undefined, { timeout: 1_800_000, polling: 500 });
    const backend = await page.evaluate(() => {
      const t = (window as any).netcanvasEditor.training.getState();
      const b = t.runs.find((r: any) => r.runId === t.activeRunId)?.started?.backend;
      return b ? `backend ${b.name} (${b.detail})` : 'backend unknown';
    });
    const m = (await page.evaluate(() => (window as any).__measure)) as Measured;
    const gaps = [...m.gaps].sort((a, b) => a - b);
    const pct = (p: number) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))]!.toFixed(1);
    const longest = m.tasks.length ? Math.max(...m.tasks) : 0;
    const scriptMax = m.frames.length ? Math.max(...m.frames.map((f) => f.script)) : 0;
    console.log(
      `${availableParallelism()} cores; trainer threads: ${process.env.NETCANVAS_WASM_THREADS ?? 'cores − 1 (host default)'}; ${backend}`,
    );
    console.log(`${m.batches} batch points streamed over ${((Date.now() - started) / 1000).toFixed(0)} s; ${gaps.length} frames`);
    console.log(`frame gap: median ${pct(0.5)} ms, p99 ${pct(0.99)} ms, worst ${gaps.at(-1)?.toFixed(1)} ms`);
    console.log(`tasks over 50 ms: ${m.tasks.length}${m.tasks.length ? ` (longest ${longest.toFixed(0)} ms)` : ' — longest task < 50 ms'}`);
    console.log(
      `long animation frames: ${m.frames.length}; most script in one: ${scriptMax.toFixed(0)} ms (the rest of a long frame is style/layout/paint or waiting for a CPU)`,
    );
  } finally {
    await browser.close();
    await host.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
