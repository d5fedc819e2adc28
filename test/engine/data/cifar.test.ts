import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CIFAR10_NAMES, DatasetError, loadDataset } from '../../../engine/data';
import { cifarBatch, cifarPixel, tempDir, write } from './helpers';

const root = tempDir();

describe('CIFAR-10 binary loader', () => {
  it('round-trips generated batches, turning CHW planes into HWC pixels', async () => {
    const dir = join(root, 'plain');
    write(join(dir, 'data_batch_1.bin'), cifarBatch([3, 1, 4]));
    write(join(dir, 'data_batch_2.bin'), cifarBatch([1, 5]));
    write(join(dir, 'test_batch.bin'), cifarBatch([9, 2]));
    const ds = await loadDataset(dir);
    expect(ds.shape).toEqual([32, 32, 3]);
    expect(ds.classNames).toEqual(CIFAR10_NAMES);
    expect(ds.train.count).toBe(5);
    expect(Array.from(ds.train.y)).toEqual([3, 1, 4, 1, 5]);
    expect(Array.from(ds.test!.y)).toEqual([9, 2]);
    // Sample 1 of batch 1, pixel (row 2, col 5) = p 69: HWC index p·3 + c.
    const size = 32 * 32 * 3;
    for (let c = 0; c < 3; c++) {
      expect(ds.train.x[1 * size + 69 * 3 + c]).toBeCloseTo(cifarPixel(1, 69, c) / 255, 6);
    }
    // Sample 3 is record 0 of batch 2.
    expect(ds.train.x[3 * size + 2]).toBeCloseTo(cifarPixel(0, 0, 2) / 255, 6);
  });

  it('finds the batches in cifar-10-batches-bin, reads class names from batches.meta.txt, honours limit', async () => {
    const dir = join(root, 'nested');
    write(join(dir, 'cifar-10-batches-bin', 'data_batch_1.bin'), cifarBatch([0, 1, 2, 0]));
    write(join(dir, 'cifar-10-batches-bin', 'batches.meta.txt'), 'cat\ndog\nbird\n\n');
    const ds = await loadDataset(dir, { limit: 3 });
    expect(ds.name).toBe('CIFAR-10');
    expect(ds.classNames).toEqual(['cat', 'dog', 'bird']);
    expect(ds.train.count).toBe(3);
    expect(ds.test).toBeNull();
  });

  it('reports a truncated record', async () => {
    const dir = join(root, 'cut');
    write(join(dir, 'data_batch_1.bin'), cifarBatch([1, 2]).subarray(0, 3073 + 100));
    const err = await loadDataset(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toMatch(
      /data_batch_1\.bin: truncated: 3173 bytes is not a whole number of 3073-byte records \(record 1 has only 100 bytes\)/,
    );
  });

  it('reports a label beyond the class list', async () => {
    const dir = join(root, 'badlabel');
    write(join(dir, 'data_batch_1.bin'), cifarBatch([1, 10]));
    await expect(loadDataset(dir)).rejects.toThrow(/data_batch_1\.bin: label 10 of record 1 is out of range 0–9/);
  });
});
