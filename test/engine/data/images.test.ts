import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, loadDataset } from '../../../engine/data';
import { jpg, png, tempDir, write } from './helpers';

const root = tempDir();
const gray =
  (v: number) =>
  (x: number, y: number): [number, number, number] => [(v + x + y) % 256, (v + x + y) % 256, (v + x + y) % 256];
const red = (x: number, y: number): [number, number, number] => [200, 10 * x, 10 * y];

describe('image folder loader', () => {
  it('reads PNG and JPEG class folders as RGB, classes sorted, samples interleaved by class', async () => {
    const dir = join(root, 'rgb');
    write(join(dir, 'cat', 'a.png'), png(4, 3, red));
    write(join(dir, 'cat', 'b.jpg'), jpg(4, 3, red));
    write(join(dir, 'dog', 'a.jpeg'), jpg(4, 3, gray(100)));
    write(join(dir, 'dog', 'notes.txt'), 'ignored');
    const ds = await loadDataset(dir);
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(ds.shape).toEqual([3, 4, 3]);
    expect(ds.train.count).toBe(3);
    expect(Array.from(ds.train.y)).toEqual([0, 1, 0]); // cat/a, dog/a, cat/b
    // PNG is lossless: pixel (x=2, y=1) of cat/a.png, channels-last.
    const p = (1 * 4 + 2) * 3;
    expect(Array.from(ds.train.x.subarray(p, p + 3)).map((v) => Math.round(v * 255))).toEqual([200, 20, 10]);
    // JPEG is lossy: close, not exact.
    const j = 2 * 36 + p;
    expect(Math.abs(ds.train.x[j]! * 255 - 200)).toBeLessThan(12);
    expect(ds.test).toBeNull();
  });

  it('uses one channel when every image is grayscale, and train/ test/ sub-folders as splits', async () => {
    const dir = join(root, 'gray');
    write(join(dir, 'train', 'one', '1.png'), png(5, 5, gray(10)));
    write(join(dir, 'train', 'one', '2.jpg'), jpg(5, 5, gray(50)));
    write(join(dir, 'train', 'two', '1.png'), png(5, 5, gray(90)));
    write(join(dir, 'test', 'two', '9.png'), png(5, 5, gray(200)));
    const ds = await loadDataset(dir);
    expect(ds.shape).toEqual([5, 5, 1]);
    expect(ds.classNames).toEqual(['one', 'two']);
    expect(ds.train.count).toBe(3);
    expect(ds.train.x.length).toBe(3 * 25);
    expect(ds.test?.count).toBe(1);
    expect(Array.from(ds.test!.y)).toEqual([1]);
    expect(Math.round(ds.test!.x[0]! * 255)).toBe(200);
  });

  it('names two files and their sizes when images differ in size', async () => {
    const dir = join(root, 'mixed');
    write(join(dir, 'a', '1.png'), png(32, 32, red));
    write(join(dir, 'b', '1.jpg'), jpg(28, 28, red));
    const err = await loadDataset(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toMatch(/mixed image sizes: a\/1\.png is 32×32 but b\/1\.jpg is 28×28/);
  });

  it('reports an image that cannot be decoded', async () => {
    const dir = join(root, 'broken');
    write(join(dir, 'a', '1.png'), png(4, 4, red).subarray(0, 40));
    await expect(loadDataset(dir)).rejects.toThrow(/a\/1\.png: cannot decode the PNG image/);
  });

  it('reports a test class that training does not have', async () => {
    const dir = join(root, 'extra');
    write(join(dir, 'train', 'a', '1.png'), png(2, 2, red));
    write(join(dir, 'test', 'zebra', '1.png'), png(2, 2, red));
    await expect(loadDataset(dir)).rejects.toThrow(/class folder "zebra" is not among the training classes \(a\)/);
  });
});
