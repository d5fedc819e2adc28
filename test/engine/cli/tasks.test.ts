/** netcanvas train / evaluate / predict for a segmentation graph, as a user runs them: metrics in words and a mask PNG. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { tinyFcn } from '../train/fixtures';

const run = promisify(execFile);
const env = { ...process.env, NETCANVAS_CACHE_DIR: join(tmpdir(), 'netcanvas-test-cache') };
const netcanvas = async (...args: string[]) => (await run(process.execPath, ['bin/netcanvas.mjs', ...args], { env })).stdout;
const dir = mkdtempSync(join(tmpdir(), 'netcanvas-cli-tasks-'));

const graph = { ...tinyFcn({ learningRate: 0.01 }), dataset: { source: 'embedded:mnist-segmentation' } };

describe('netcanvas with training.task segmentation', () => {
  it('trains with mean IoU in its lines, evaluates with IoU per class, and predict writes the mask as a PNG of class ids', async () => {
    const file = join(dir, 'fcn.json');
    writeFileSync(file, JSON.stringify(graph));
    const trained = await netcanvas('train', file, '--epochs', '1', '--limit', '48', '--backend', 'cpu');
    expect(trained).toMatch(/epoch 1\/1 {2}loss [\d.]+ {2}mean IoU [\d.]+% {2}pixel accuracy [\d.]+%/);
    expect(trained).toMatch(/test loss [\d.]+ {2}test mean IoU [\d.]+% {2}test pixel accuracy [\d.]+%/);
    expect(trained).toMatch(/test IoU per class: background [\d.]+%, 0 /);
    const evaluated = JSON.parse(await netcanvas('evaluate', file, '--limit', '48', '--backend', 'cpu', '--json'));
    expect(evaluated).toMatchObject({ task: 'segmentation', split: 'test' });
    expect(evaluated.metrics.meanIoU).toBeGreaterThan(0);
    expect(evaluated.perClassIoU).toHaveLength(11);
    // An input image: a white bar on black.
    const png = new pngjs.PNG({ width: 64, height: 64 });
    for (let p = 0; p < 4096; p++) png.data.set(p % 64 > 20 && p % 64 < 26 ? [255, 255, 255, 255] : [0, 0, 0, 255], p * 4);
    writeFileSync(join(dir, 'bar.png'), pngjs.PNG.sync.write(png));
    const line = JSON.parse(await netcanvas('predict', file, '--input', join(dir, 'bar.png'), '--backend', 'cpu', '--json'));
    expect(line.mask).toBe(join(dir, 'bar.mask.png'));
    const mask = pngjs.PNG.sync.read(readFileSync(line.mask));
    expect([mask.width, mask.height]).toEqual([64, 64]);
    const ids = new Set<number>();
    for (let p = 0; p < 4096; p++) ids.add(mask.data[p * 4]!);
    expect([...ids].every((id) => id < 11)).toBe(true);
    expect(line.classes.reduce((s: number, c: { pixels: number }) => s + c.pixels, 0)).toBe(4096);
    expect(line.classes.map((c: { class: number }) => c.class).sort()).toEqual([...ids].sort());
  }, 240_000);
});
