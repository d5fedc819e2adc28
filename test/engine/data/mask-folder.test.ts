/** The segmentation folder format (images/ + masks/, optional classes.txt): what loads, and each mistake named. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, loadDataset } from '../../../engine/data';
import { jpg, png, tempDir, write } from './helpers';

const root = tempDir();
const grey =
  (f: (x: number, y: number) => number) =>
  (x: number, y: number): [number, number, number] => [f(x, y), f(x, y), f(x, y)];
/** A mask: class 2 in the left column, 1 in the top row, 0 elsewhere. */
const mask = grey((x, y) => (x === 0 ? 2 : y === 0 ? 1 : 0));

function folder(name: string, files: Record<string, Uint8Array | string>): string {
  const dir = join(root, name);
  for (const [rel, bytes] of Object.entries(files)) write(join(dir, rel), bytes);
  return dir;
}

async function refusal(dir: string): Promise<string> {
  const err = await loadDataset(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatasetError);
  return (err as Error).message;
}

describe('segmentation folders', () => {
  it('pairs images with masks by name; mask grey values are class ids; classes.txt names them', async () => {
    const dir = folder('ok', {
      'images/a.png': png(
        4,
        3,
        grey((x) => 40 * x),
      ),
      'images/b.jpg': jpg(
        4,
        3,
        grey(() => 200),
      ),
      'masks/a.png': png(4, 3, mask),
      'masks/b.png': png(
        4,
        3,
        grey(() => 1),
      ),
      'classes.txt': 'background\nroad\ncar\n',
    });
    const ds = await loadDataset(dir);
    expect(ds.shape).toEqual([3, 4, 1]);
    expect(ds.classNames).toEqual(['background', 'road', 'car']);
    expect(ds.masks).toEqual({ shape: [3, 4] });
    expect(ds.unlabelled).toBe(true);
    expect(ds.train.count).toBe(2);
    expect(Array.from(ds.train.masks!.subarray(0, 12))).toEqual([2, 1, 1, 1, 2, 0, 0, 0, 2, 0, 0, 0]);
    expect(Array.from(ds.train.masks!.subarray(12))).toEqual(new Array(12).fill(1));
    expect(Math.round(ds.train.x[2]! * 255)).toBe(80);
  });

  it('without classes.txt, the classes are the ids used; train/ and test/ are splits', async () => {
    const dir = folder('split', {
      'train/images/a.png': png(
        2,
        2,
        grey(() => 9),
      ),
      'train/masks/a.png': png(
        2,
        2,
        grey((x) => 3 * x),
      ),
      'test/images/z.png': png(
        2,
        2,
        grey(() => 9),
      ),
      'test/masks/z.png': png(
        2,
        2,
        grey(() => 0),
      ),
    });
    const ds = await loadDataset(dir);
    expect(ds.classNames).toEqual(['0', '1', '2', '3']);
    expect(ds.test!.count).toBe(1);
    expect(Array.from(ds.test!.masks!)).toEqual([0, 0, 0, 0]);
  });

  it('refuses an image without its mask, and a mask without its image', async () => {
    expect(
      await refusal(
        folder('missing', { 'images/a.png': png(2, 2, mask), 'images/b.png': png(2, 2, mask), 'masks/a.png': png(2, 2, mask) }),
      ),
    ).toMatch(/images\/b\.png has no mask: expected masks\/b\.png/);
    expect(
      await refusal(folder('orphan', { 'images/a.png': png(2, 2, mask), 'masks/a.png': png(2, 2, mask), 'masks/c.png': png(2, 2, mask) })),
    ).toMatch(/masks\/c\.png has no image/);
  });

  it('refuses a mask whose size differs from its image, and images of different sizes', async () => {
    expect(await refusal(folder('size', { 'images/a.png': png(4, 3, mask), 'masks/a.png': png(3, 3, mask) }))).toMatch(
      /masks\/a\.png is 3×3 but its image images\/a\.png is 4×3; a mask labels each pixel of its image/,
    );
    const mixed = folder('mixed', {
      'images/a.png': png(2, 2, mask),
      'masks/a.png': png(2, 2, mask),
      'images/b.png': png(3, 2, mask),
      'masks/b.png': png(3, 2, mask),
    });
    expect(await refusal(mixed)).toMatch(/mixed image sizes: images\/a\.png is 2×2 but images\/b\.png is 3×2/);
  });

  it('refuses a class id beyond classes.txt, a colour mask, a JPEG mask and a black-and-white mask, naming the pixel', async () => {
    const range = folder('range', { 'images/a.png': png(4, 3, mask), 'masks/a.png': png(4, 3, mask), 'classes.txt': 'background\nroad\n' });
    expect(await refusal(range)).toMatch(
      /masks\/a\.png: class id 2 at row 0, column 0 is out of range: classes\.txt lists 2 classes \(ids 0–1\)/,
    );
    const colour = folder('colour', { 'images/a.png': png(2, 2, mask), 'masks/a.png': png(2, 2, (x) => [x, 0, 0]) });
    expect(await refusal(colour)).toMatch(
      /the pixel at row 0, column 1 is the colour \(1, 0, 0\); a mask stores each pixel's class id as a grey value/,
    );
    const lossy = folder('jpeg', { 'images/a.png': png(2, 2, mask), 'masks/a.jpg': jpg(2, 2, mask) });
    expect(await refusal(lossy)).toMatch(/masks\/a\.jpg: masks must be PNG files/);
    const bw = folder('bw', {
      'images/a.png': png(2, 2, mask),
      'masks/a.png': png(
        2,
        2,
        grey((x) => 255 * x),
      ),
    });
    expect(await refusal(bw)).toMatch(/the masks are black and white \(ids 0 and 255\)/);
  });

  it('cannot train a classifier (no class per image), and says which task can', async () => {
    const { train } = await import('../../../engine/train/train');
    const dir = folder('cls', { 'images/a.png': png(4, 4, mask), 'masks/a.png': png(4, 4, mask) });
    const graph = {
      format: 'netcanvas.graph',
      version: 1,
      nodes: [
        { id: 'in', type: 'input', params: { shape: [4, 4, 1] } },
        { id: 'f', type: 'flatten', params: {} },
        { id: 'd', type: 'dense', params: { units: 3 } },
      ],
      edges: [
        { source: 'in', target: 'f' },
        { source: 'f', target: 'd' },
      ],
    };
    const r = await train(
      { type: 'start', runId: 'm', graph: graph as never, dataset: { source: dir }, backend: 'cpu' },
      { onEvent: () => {} },
    );
    expect(r.type === 'error' && r.message).toMatch(
      /has a mask per image but no class per image: train it for segmentation or reconstruction/,
    );
  });
});
