/** The generated segmentation set: the same bytes for the same seed, masks on the digits' ink, made once into the cache. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../engine/data';
import { defaultDatasetsDir } from '../../../engine/data/embedded';
import { generateSegmentationFiles } from '../../../engine/data/segmentation/generate';
import { INK_THRESHOLD, makeScenes, resampleDigit } from '../../../engine/data/segmentation/scenes';

const mnist = join(defaultDatasetsDir(), 'mnist');
const cache = mkdtempSync(join(tmpdir(), 'netcanvas-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

const small = { seed: 7, train: 40, test: 10 };

describe('the MNIST segmentation generator', () => {
  it('gives the same bytes for the same seed, and different bytes for another seed', async () => {
    const a = await generateSegmentationFiles(mnist, small);
    const b = await generateSegmentationFiles(mnist, small);
    expect(a.map((f) => f.name)).toEqual(b.map((f) => f.name));
    a.forEach((f, i) => expect(Buffer.compare(Buffer.from(f.bytes), Buffer.from(b[i]!.bytes)), f.name).toBe(0));
    const c = await generateSegmentationFiles(mnist, { ...small, seed: 8 });
    expect(c.find((f) => f.name === 'train-images-idx3-ubyte.gz')!.sha256).not.toBe(
      a.find((f) => f.name === 'train-images-idx3-ubyte.gz')!.sha256,
    );
    // The README lists each file's SHA-256, so anyone can check a copy.
    const readme = Buffer.from(a.find((f) => f.name === 'README.md')!.bytes).toString();
    for (const f of a.filter((f) => f.name.endsWith('.gz'))) {
      expect(readme).toContain(`\`${createHash('sha256').update(gunzipSync(f.bytes)).digest('hex')}\``);
    }
  });

  it('labels a pixel with its digit exactly where that digit has ink, and 0 elsewhere', () => {
    // Two hand-made 4×4 "digits": a bar (class 3) and a block (class 7).
    const pixels = new Uint8Array(32);
    for (let i = 0; i < 4; i++) pixels[i * 4 + 1] = 255;
    for (const p of [5, 6, 9, 10]) pixels[16 + p] = 200;
    const source = { pixels, labels: Uint8Array.of(3, 7), count: 2, side: 4 };
    const { images, masks, labels } = makeScenes(source, { count: 50, seed: 3, size: 16, digits: [1, 3], scale: [4, 8] });
    for (let p = 0; p < images.length; p++) {
      expect(masks[p]! > 0, `pixel ${p}`).toBe(images[p]! >= INK_THRESHOLD);
      if (masks[p]! > 0) expect([4, 8]).toContain(masks[p]);
    }
    for (let s = 0; s < 50; s++) {
      const scene = masks.subarray(s * 256, (s + 1) * 256);
      expect(scene.some((v) => v > 0)).toBe(true); // at least one digit per scene
      expect(Array.from(scene)).toContain(labels[s]); // the label is a class that is in the mask
    }
  });

  it('resamples a digit bilinearly with pixel centres aligned', () => {
    expect(Array.from(resampleDigit(Uint8Array.of(0, 100, 200, 255), 2, 2))).toEqual([0, 100, 200, 255]);
    expect(Array.from(resampleDigit(new Uint8Array(16).fill(90), 4, 2))).toEqual([90, 90, 90, 90]);
  });

  it('is made once into the cache folder on first use, with a README, and loads as a segmentation dataset', async () => {
    const ds = await loadDataset('embedded:mnist-segmentation', { cacheDir: cache, limit: 30, testLimit: 10 });
    expect(ds.shape).toEqual([64, 64, 1]);
    expect(ds.numClasses).toBe(11);
    expect(ds.classNames.slice(0, 3)).toEqual(['background', '0', '1']);
    expect(ds.masks).toEqual({ shape: [64, 64] });
    expect(ds.train.masks!.length).toBe(30 * 64 * 64);
    const [folder] = readdirSync(join(cache, 'datasets'));
    expect(folder).toMatch(/^mnist-segmentation-v\d+$/);
    expect(readFileSync(join(cache, 'datasets', folder!, 'README.md'), 'utf8')).toMatch(/same seed\s+gives the same bytes/);
    // No temporary folder is left beside it.
    expect(readdirSync(join(cache, 'datasets'))).toEqual([folder]);
  }, 120_000);
});
