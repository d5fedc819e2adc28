/**
 * Broken and hostile datasets: every one ends in a DatasetError of one line that names the file,
 * quickly and without filling memory: big CSVs, huge labels, non-finite cells, gzip bombs, pipes
 * and devices where files should be, images whose header promises billions of pixels.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../engine/data/load';
import { DatasetError } from '../../../engine/data/types';
import { idxImages, idxLabels, png, tempDir, write } from './helpers';

const root = tempDir();

describe('CSV tables', () => {
  it('loads 200,000 rows (no "Maximum call stack size exceeded")', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i % 7},${i % 3}`);
    const path = write(join(root, 'big.csv'), `x,label\n${rows.join('\n')}\n`);
    const ds = await loadDataset(path);
    expect(ds.train.count).toBe(200_000);
    expect(ds.numClasses).toBe(3);
  });

  it('refuses a label too large to be a class index, naming the cell', async () => {
    const path = write(join(root, 'huge-label.csv'), 'x,label\n1,0\n2,99999999999\n');
    await expect(loadDataset(path)).rejects.toThrow(
      `${path}:3:2: label 99999999999 is too large: integer labels are class indices 0, 1, 2, … up to 65535`,
    );
  });

  it('refuses a cell too large for a 32-bit float instead of training on infinity', async () => {
    const path = write(join(root, 'inf.csv'), 'x,y,label\n1,2,0\n1e999,3,1\n');
    await expect(loadDataset(path)).rejects.toThrow(
      `${path}:3:1: "1e999" is too large for a 32-bit float (at most about 3.4e38) (column "x")`,
    );
    const small = write(join(root, 'big-float.csv'), 'x,y,label\n1,2,0\n4e38,3,1\n');
    await expect(loadDataset(small)).rejects.toThrow(/"4e38" is too large for a 32-bit float/);
  });
});

describe('gzip and files that are not files', () => {
  const bombDir = join(root, 'bomb');
  const pixels = idxImages(1, 28, 28);

  it('refuses a gzip bomb from its trailer, before inflating', async () => {
    // 64 MiB of zeros after the header: 64 KiB compressed, over the 1 MiB this load allows.
    const bomb = gzipSync(Buffer.concat([pixels.subarray(0, 16), Buffer.alloc(64 * 1024 * 1024)]));
    write(join(bombDir, 'train-images-idx3-ubyte.gz'), bomb);
    write(join(bombDir, 'train-labels-idx1-ubyte'), idxLabels([1]));
    const err = await loadDataset(bombDir, { maxFileBytes: 1024 * 1024 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toBe(
      `cannot decompress ${join(bombDir, 'train-images-idx3-ubyte.gz')}: it inflates to more than 1 MiB, the most NetCanvas unpacks from one file`,
    );
  });

  it('refuses a gzip bomb whose trailer lies, while inflating', async () => {
    const bomb = gzipSync(Buffer.concat([pixels.subarray(0, 16), Buffer.alloc(64 * 1024 * 1024)]));
    bomb.writeUInt32LE(1000, bomb.length - 4);
    write(join(bombDir, 'train-images-idx3-ubyte.gz'), bomb);
    await expect(loadDataset(bombDir, { maxFileBytes: 1024 * 1024 })).rejects.toThrow(/inflates to more than 1 MiB/);
  });

  it('refuses a FIFO named train.csv at once instead of waiting forever', async () => {
    const dir = join(root, 'fifo');
    mkdirSync(dir);
    execFileSync('mkfifo', [join(dir, 'train.csv')]);
    const started = Date.now();
    const err = await Promise.race([
      loadDataset(dir).catch((e: unknown) => e),
      new Promise((resolve) => setTimeout(() => resolve(new Error('still waiting after 5 s')), 5000)),
    ]);
    expect((err as Error).message).toMatch(/train\.csv: it is not a regular file \(a device, pipe or socket\)/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses /dev/zero behind a dataset file name', async () => {
    const dir = join(root, 'device');
    mkdirSync(dir);
    symlinkSync('/dev/zero', join(dir, 'train-images-idx3-ubyte'));
    write(join(dir, 'train-labels-idx1-ubyte'), idxLabels([1]));
    await expect(loadDataset(dir)).rejects.toThrow(/not a regular file/);
  });
});

/** A 1-bit grey PNG of width×height zeros, made by hand (pngjs cannot write 1-bit): tiny on disk. */
function hugePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(0, 8 + data.length); // pngjs checks CRCs only when asked
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grey
  const raw = Buffer.alloc(height * (1 + Math.ceil(width / 8)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('image folders', () => {
  it('refuses an image whose header promises 10000×10000 pixels before decoding it', async () => {
    const dir = join(root, 'images');
    write(
      join(dir, 'a', '1.png'),
      png(4, 4, () => [0, 0, 0]),
    );
    write(join(dir, 'b', '1.png'), hugePng(10000, 10000));
    const started = Date.now();
    await expect(loadDataset(dir)).rejects.toThrow(
      `cannot decode ${join(dir, 'b', '1.png')}: the image is 10000×10000 pixels, more than the 4096×4096 NetCanvas decodes; resize it first`,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a segmentation mask whose header promises 10000×10000 pixels before decoding it', async () => {
    const dir = join(root, 'masks-huge');
    write(
      join(dir, 'images', 'a.png'),
      png(4, 4, () => [0, 0, 0]),
    );
    write(join(dir, 'masks', 'a.png'), hugePng(10000, 10000));
    const started = Date.now();
    await expect(loadDataset(dir)).rejects.toThrow(
      `cannot decode ${join(dir, 'masks', 'a.png')}: the image is 10000×10000 pixels, more than the 4096×4096 NetCanvas decodes; resize it first`,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
