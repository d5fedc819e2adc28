import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DatasetError, loadDataset } from '../../../engine/data';
import { idxImages, idxLabels, tempDir, write } from './helpers';

const root = tempDir();
let n = 0;
/** A folder with the four standard files; `files` overrides any of them (raw bytes or null to omit). */
function idxFolder(files: Partial<Record<string, Buffer | null>> = {}, gz = false): string {
  const dir = join(root, `idx${n++}`);
  const defaults: Record<string, Buffer> = {
    'train-images-idx3-ubyte': idxImages(6, 4, 3),
    'train-labels-idx1-ubyte': idxLabels([0, 1, 2, 3, 4, 9]),
    't10k-images-idx3-ubyte': idxImages(2, 4, 3, (k, p) => 255 - k - p),
    't10k-labels-idx1-ubyte': idxLabels([5, 6]),
  };
  for (const [name, bytes] of Object.entries({ ...defaults, ...files })) {
    if (bytes) write(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
  }
  return dir;
}

async function problem(spec: string): Promise<string> {
  const err = await loadDataset(spec).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatasetError);
  return (err as DatasetError).message;
}

describe('IDX loader', () => {
  it('reads images, labels and shape, pixels in [0, 1]', async () => {
    const ds = await loadDataset(idxFolder());
    expect(ds.shape).toEqual([4, 3, 1]);
    expect(ds.numClasses).toBe(10);
    expect(ds.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(ds.train.count).toBe(6);
    expect(Array.from(ds.train.y)).toEqual([0, 1, 2, 3, 4, 9]);
    expect(ds.train.x.length).toBe(6 * 12);
    expect(ds.train.x[12 + 5]).toBeCloseTo(((1 * 7 + 5) % 256) / 255, 6);
    expect(ds.test?.count).toBe(2);
    expect(Array.from(ds.test!.y)).toEqual([5, 6]);
    expect(ds.test!.x[0]).toBeCloseTo(1, 6);
  });

  it('gives identical data from gzipped and raw files', async () => {
    const raw = await loadDataset(idxFolder());
    const gz = await loadDataset(idxFolder({}, true));
    expect(gz.shape).toEqual(raw.shape);
    expect(gz.train.x).toEqual(raw.train.x);
    expect(gz.train.y).toEqual(raw.train.y);
    expect(gz.test!.x).toEqual(raw.test!.x);
  });

  it('keeps only the first N samples with limit', async () => {
    const ds = await loadDataset(idxFolder(), { limit: 2 });
    expect(ds.train.count).toBe(2);
    expect(ds.train.x.length).toBe(24);
    expect(ds.test?.count).toBe(2);
  });

  it('loads a single IDX file with its partner as the training split', async () => {
    const dir = idxFolder({}, true);
    const ds = await loadDataset(join(dir, 'train-labels-idx1-ubyte.gz'));
    expect(ds.train.count).toBe(6);
    expect(ds.test).toBeNull();
  });

  it('accepts the train-images.idx3-ubyte spelling and runs without a test split', async () => {
    const dir = join(root, 'dots');
    write(join(dir, 'train-images.idx3-ubyte'), idxImages(3, 2, 2));
    write(join(dir, 'train-labels.idx1-ubyte'), idxLabels([1, 1, 0]));
    const ds = await loadDataset(dir);
    expect(ds.train.count).toBe(3);
    expect(ds.test).toBeNull();
  });

  it('uses classes.txt for class names and range', async () => {
    const dir = idxFolder({ 'train-labels-idx1-ubyte': idxLabels([0, 1, 2, 0, 1, 2]), 't10k-labels-idx1-ubyte': idxLabels([2, 0]) });
    write(join(dir, 'classes.txt'), 'circle\nsquare\ntriangle\n');
    const ds = await loadDataset(dir);
    expect(ds.classNames).toEqual(['circle', 'square', 'triangle']);
    expect(ds.numClasses).toBe(3);
  });

  it('rejects a wrong magic number, naming the file', async () => {
    const dir = idxFolder({ 'train-images-idx3-ubyte': idxImages(6, 4, 3, undefined, 0x12345678) });
    expect(await problem(dir)).toMatch(
      /train-images-idx3-ubyte: not an IDX images file: magic number 305419896 \(0x12345678\), expected 2051/,
    );
  });

  it('recognises swapped images and labels files', async () => {
    const dir = idxFolder({ 'train-images-idx3-ubyte': idxLabels([1, 2, 3]) });
    expect(await problem(dir)).toMatch(/train-images-idx3-ubyte: this is an IDX labels file \(magic number 2049\), expected images/);
  });

  it('reports a truncated images file with what the header promised', async () => {
    const dir = idxFolder({ 'train-images-idx3-ubyte': idxImages(6, 4, 3).subarray(0, 50) });
    expect(await problem(dir)).toMatch(
      /train-images-idx3-ubyte: truncated: the header promises 6 images of 4×3 \(88 bytes\) but the file has 50 bytes/,
    );
  });

  it('reports a truncated gzip file', async () => {
    const gz = gzipSync(idxImages(6, 4, 3));
    const dir = join(root, 'cutgz');
    write(join(dir, 'train-images-idx3-ubyte.gz'), gz.subarray(0, gz.length - 12));
    write(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxLabels([0, 1, 2, 3, 4, 5])));
    expect(await problem(dir)).toMatch(/cannot decompress .*train-images-idx3-ubyte\.gz: the gzip data is truncated$/);
  });

  it('reports a header too short to read', async () => {
    const dir = idxFolder({ 'train-labels-idx1-ubyte': Buffer.from([0, 0, 8]) });
    expect(await problem(dir)).toMatch(/train-labels-idx1-ubyte: too short to be an IDX labels file \(3 bytes\)/);
  });

  it('reports images and labels that disagree in count', async () => {
    const dir = idxFolder({ 'train-labels-idx1-ubyte': idxLabels([0, 1, 2, 3, 4]) });
    expect(await problem(dir)).toMatch(/train-images-idx3-ubyte has 6 images but train-labels-idx1-ubyte has 5 labels/);
  });

  it('reports a label out of range with its position', async () => {
    const dir = idxFolder({ 't10k-labels-idx1-ubyte': idxLabels([3, 12]) });
    expect(await problem(dir)).toMatch(/t10k-labels-idx1-ubyte: label 12 of sample 1 is out of range 0–9/);
  });

  it('reports a missing partner file', async () => {
    const dir = idxFolder({ 'train-labels-idx1-ubyte': null });
    expect(await problem(dir)).toMatch(/found train-images-idx3-ubyte but not train-labels-idx1-ubyte\[\.gz\]/);
  });

  it('reports train and test images of different sizes', async () => {
    const dir = idxFolder({ 't10k-images-idx3-ubyte': idxImages(2, 5, 3) });
    expect(await problem(dir)).toMatch(/training images are 4×3 but test images are 5×3/);
  });
});
