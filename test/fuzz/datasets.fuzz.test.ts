/**
 * Fuzzing datasets (IDX folders, CSV files, image folders) through the one loader. Invariants: a
 * load either gives a consistent dataset (every array the size its shape says, every value finite,
 * every label a class) or fails with one DatasetError line; nothing hangs or throws anything else.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import pngjs from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../engine/data/load';
import { DatasetError, type Dataset } from '../../engine/data/types';
import { runs, SEED } from './mutations';

const root = mkdtempSync(join(tmpdir(), 'netcanvas-fuzz-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let caseNo = 0;
const fresh = () => {
  const dir = join(root, `case-${caseNo++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

function expectConsistent(ds: Dataset): void {
  const size = ds.shape.reduce((a, b) => a * b, 1);
  expect(ds.shape.every((d) => Number.isInteger(d) && d > 0)).toBe(true);
  expect(ds.classNames).toHaveLength(ds.numClasses);
  for (const split of [ds.train, ...(ds.test ? [ds.test] : [])]) {
    expect(split.x.length).toBe(split.count * size);
    expect(split.y.length).toBe(split.count);
    expect(split.x.every(Number.isFinite)).toBe(true);
    expect(split.y.every((label) => label >= 0 && label < ds.numClasses)).toBe(true);
  }
}

/** Loads, and holds the result to the invariants; returns what happened. */
async function load(path: string): Promise<'loaded' | 'refused'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`loading ${path} hung`)), 15_000)));
  try {
    const ds = await Promise.race([loadDataset(path, { maxFileBytes: 8 * 1024 * 1024 }), hang]);
    expectConsistent(ds);
    return 'loaded';
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(DatasetError);
    const message = (err as Error).message;
    if (process.env['FUZZ_VERBOSE']) console.log('refused:', message.replace(root, ''));
    // One line, and no value the code failed to name (a cell's own text, quoted, may say anything).
    expect(message.replace(/"[^"]*"/g, '""')).not.toMatch(/\n|\bundefined\b|\bNaN\b|\[object/);
    return 'refused';
  } finally {
    clearTimeout(timer);
  }
}

/** Null most of the time: one mutation at a time keeps most cases near a valid file. */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

const u32 = fc.oneof(fc.nat({ max: 20 }), fc.constantFrom(0, 2049, 2051, 0xffffffff, 2 ** 31, 60000, 28));

const idxCase = fc.record({
  count: fc.integer({ min: 1, max: 6 }),
  rows: fc.integer({ min: 1, max: 8 }),
  cols: fc.integer({ min: 1, max: 8 }),
  labels: fc.array(fc.oneof({ weight: 20, arbitrary: fc.nat({ max: 9 }) }, { weight: 1, arbitrary: fc.nat({ max: 255 }) }), {
    minLength: 8,
    maxLength: 8,
  }),
  header: rarely(fc.record({ field: fc.nat({ max: 3 }), value: u32, file: fc.boolean() })),
  cut: rarely(fc.nat({ max: 200 })),
  extra: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 2 }) }),
  gzip: fc.oneof({ weight: 9, arbitrary: fc.constantFrom('none', 'images', 'both') }, { weight: 1, arbitrary: fc.constant('broken') }),
  classes: rarely(
    fc.array(fc.constantFrom('a', '', ' ', 'b\u001b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm'), { maxLength: 15 }),
  ),
  test: fc.boolean(),
});

function idxBytes(magic: number, dims: number[], body: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic >>> 0, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d >>> 0, 4 + 4 * i));
  return Buffer.concat([head, body]);
}

const csvCell = fc.oneof(
  fc.constantFrom(
    '0',
    '1',
    '2',
    '-1',
    '1e999',
    '4e38',
    '',
    ' ',
    '"a,b"',
    '"',
    'x',
    '+3',
    '99999999999',
    '0.5',
    'NaN',
    'Infinity',
    '1e-400',
    '\u001b[31m',
  ),
  fc.integer({ min: -5, max: 70000 }).map(String),
);
/** Mostly well-formed tables (one width, numbers, a label), with a bad cell or a ragged row now and then. */
const csvCase = fc.integer({ min: 1, max: 5 }).chain((width) =>
  fc.record({
    header: fc.option(fc.array(fc.constantFrom('a', 'b', 'label', 'x y', '', 'c'), { minLength: width, maxLength: width })),
    rows: fc.array(
      fc.array(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 9 }).map(String) }, { weight: 1, arbitrary: csvCell }), {
        minLength: width,
        maxLength: width,
      }),
      { maxLength: 12 },
    ),
    ragged: rarely(fc.array(csvCell, { maxLength: 6 })),
    bom: fc.boolean(),
    crlf: fc.boolean(),
  }),
);

const imageCase = fc.record({
  width: fc.integer({ min: 1, max: 5 }),
  height: fc.integer({ min: 1, max: 5 }),
  classes: fc.array(
    fc.array(
      fc.record({
        grey: fc.boolean(),
        damage: fc.oneof(
          { weight: 12, arbitrary: fc.constant('none') },
          { weight: 1, arbitrary: fc.constantFrom('header', 'truncate', 'text', 'huge', 'size') },
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    { minLength: 1, maxLength: 3 },
  ),
  split: fc.boolean(),
});

function png(width: number, height: number, grey: boolean): Buffer {
  const image = new pngjs.PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const v = (i * 37) % 256;
    image.data.set([v, grey ? v : (v * 3) % 256, grey ? v : (v * 7) % 256, 255], i * 4);
  }
  return pngjs.PNG.sync.write(image);
}

describe('fuzzed datasets', () => {
  it('IDX folders: consistent or one DatasetError line', async () => {
    const stats = { cases: 0, loaded: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(idxCase, async (c) => {
        const dir = fresh();
        const pixels = new Uint8Array(c.count * c.rows * c.cols).map((_, i) => (i * 13) % 256);
        const dims = [c.count, c.rows, c.cols];
        const labels = c.labels.slice(0, Math.max(0, c.count + c.extra));
        let images = idxBytes(2051, dims, pixels);
        let labelBytes = idxBytes(2049, [labels.length], Uint8Array.from(labels));
        if (c.header) {
          const target = c.header.file ? images : labelBytes;
          const at = 4 * Math.min(c.header.field, target === images ? 3 : 1);
          target.writeUInt32BE(c.header.value >>> 0, at);
        }
        if (c.cut !== null) images = images.subarray(0, c.cut);
        const zip = (b: Buffer, on: boolean) => (on ? gzipSync(b) : b);
        const imagesOut = c.gzip === 'broken' ? gzipSync(images).subarray(0, 15) : zip(images, c.gzip !== 'none');
        labelBytes = zip(labelBytes, c.gzip === 'both');
        const gz = (on: boolean) => (on ? '.gz' : '');
        writeFileSync(join(dir, `train-images-idx3-ubyte${gz(c.gzip !== 'none')}`), imagesOut);
        writeFileSync(join(dir, `train-labels-idx1-ubyte${gz(c.gzip === 'both')}`), labelBytes);
        if (c.test) {
          writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxBytes(2051, [1, c.rows, c.cols], pixels.subarray(0, c.rows * c.cols)));
          writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes(2049, [1], Uint8Array.from([3])));
        }
        if (c.classes) writeFileSync(join(dir, 'classes.txt'), c.classes.join('\n'));
        stats.cases++;
        stats[await load(dir)]++;
      }),
      { seed: SEED, numRuns: runs(100) },
    );
    console.log(`fuzz IDX: ${stats.cases} cases, ${stats.loaded} loaded, ${stats.refused} refused`);
  }, 300_000);

  it('CSV files: consistent or one DatasetError line', async () => {
    const stats = { cases: 0, loaded: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(csvCase, async (c) => {
        const lines = [
          ...(c.header ? [c.header.join(',')] : []),
          ...c.rows.map((r) => r.join(',')),
          ...(c.ragged ? [c.ragged.join(',')] : []),
        ];
        const path = join(fresh(), 'data.csv');
        writeFileSync(path, `${c.bom ? '\uFEFF' : ''}${lines.join(c.crlf ? '\r\n' : '\n')}\n`);
        stats.cases++;
        stats[await load(path)]++;
      }),
      { seed: SEED, numRuns: runs(100) },
    );
    console.log(`fuzz CSV: ${stats.cases} cases, ${stats.loaded} loaded, ${stats.refused} refused`);
  }, 300_000);

  it('image folders: consistent or one DatasetError line', async () => {
    const stats = { cases: 0, loaded: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(imageCase, async (c) => {
        const dir = fresh();
        c.classes.forEach((images, k) => {
          const classDir = join(dir, ...(c.split ? ['train'] : []), `class${k}`);
          mkdirSync(classDir, { recursive: true });
          images.forEach((img, i) => {
            let bytes = img.damage === 'size' ? png(c.width + 1, c.height, img.grey) : png(c.width, c.height, img.grey);
            if (img.damage === 'header') bytes.writeUInt32BE(0, 16);
            if (img.damage === 'huge') {
              bytes.writeUInt32BE(20000, 16);
              bytes.writeUInt32BE(20000, 20);
            }
            if (img.damage === 'truncate') bytes = bytes.subarray(0, 30);
            if (img.damage === 'text') bytes = Buffer.from('not an image');
            writeFileSync(join(classDir, `${i}.png`), bytes);
          });
        });
        stats.cases++;
        stats[await load(dir)]++;
      }),
      { seed: SEED, numRuns: runs(60) },
    );
    console.log(`fuzz images: ${stats.cases} cases, ${stats.loaded} loaded, ${stats.refused} refused`);
  }, 300_000);
});
