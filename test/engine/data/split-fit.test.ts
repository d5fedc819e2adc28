import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkDatasetFits,
  DatasetError,
  loadDataset,
  mulberry32,
  splitTrainValidation,
  type Dataset,
  type Split,
} from '../../../engine/data';
import { fitAndSplit } from '../../../engine/data/fit';
import { tempDir, write } from './helpers';

/** count samples of 2 floats each; sample i is [i, -i] with label i mod 3, so ids survive the split. */
function numbered(count: number): Split {
  const x = new Float32Array(count * 2);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = -i;
    y[i] = i % 3;
  }
  return { x, y, count };
}

const ids = (s: Split) => Array.from({ length: s.count }, (_, k) => s.x[2 * k]!);

describe('seeded train/validation split', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = splitTrainValidation(numbered(100), 0.2, 7);
    const b = splitTrainValidation(numbered(100), 0.2, 7);
    const c = splitTrainValidation(numbered(100), 0.2, 8);
    expect(ids(a.validation)).toEqual(ids(b.validation));
    expect(ids(a.validation)).not.toEqual(ids(c.validation));
  });

  it('is disjoint, complete, sized by the fraction, and keeps samples with their labels', () => {
    const { train, validation } = splitTrainValidation(numbered(101), 0.1, 42);
    expect(validation.count).toBe(10);
    expect(train.count).toBe(91);
    const all = [...ids(train), ...ids(validation)].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: 101 }, (_, i) => i));
    for (const s of [train, validation]) {
      for (let k = 0; k < s.count; k++) {
        expect(s.x[2 * k + 1]).toBe(-s.x[2 * k]!);
        expect(s.y[k]).toBe(s.x[2 * k]! % 3);
      }
    }
  });

  it('allows fraction 0 and rejects fractions outside [0, 1)', () => {
    expect(splitTrainValidation(numbered(5), 0, 1).validation.count).toBe(0);
    expect(() => splitTrainValidation(numbered(5), 1, 1)).toThrow(DatasetError);
    expect(() => splitTrainValidation(numbered(5), -0.1, 1)).toThrow(/validation fraction must be at least 0 and below 1, got -0.1/);
  });

  it('mulberry32 gives the same stream on every machine', () => {
    const next = mulberry32(42);
    expect([next(), next(), next()].map((v) => v.toFixed(10))).toEqual(['0.6011037519', '0.4482905590', '0.8524657935']);
  });
});

describe('checkDatasetFits', () => {
  const cifar = { shape: [32, 32, 3], numClasses: 10 };
  it('accepts a matching graph', () => {
    expect(checkDatasetFits(cifar, [32, 32, 3], 10)).toBeNull();
    expect(checkDatasetFits(cifar, [32, 32, 3], null)).toBeNull();
  });

  it('explains a shape or class mismatch in the user’s terms', () => {
    expect(checkDatasetFits(cifar, [28, 28, 1], 10)).toBe("the dataset's images are 32×32×3 but the graph's input is 28×28×1");
    expect(checkDatasetFits(cifar, [32, 32, 3], 5)).toBe('the dataset has 10 classes but the final layer has 5 units');
    expect(checkDatasetFits({ shape: [4], numClasses: 3 }, [28, 28, 1], 3)).toBe(
      "the dataset's samples have 4 features but the graph's input is 28×28×1",
    );
    expect(checkDatasetFits({ shape: [784], numClasses: 10 }, [28, 28, 1], 1)).toBe(
      "the dataset's samples have 784 features but the graph's input is 28×28×1 (the same number of values, arranged differently: change the input shape); the dataset has 10 classes but the final layer has 1 unit",
    );
  });

  it('catches a real dataset that does not fit', async () => {
    const ds = await loadDataset('embedded:mnist', { limit: 10 });
    expect(checkDatasetFits(ds, [32, 32, 3], 10)).toBe("the dataset's images are 28×28×1 but the graph's input is 32×32×3");
  });
});

describe('fitAndSplit: what evaluate, MC dropout and ensembles measure on', () => {
  const split = (count: number): Split => ({ x: new Float32Array(count * 2), y: new Int32Array(count), count });
  const ds = (test: Split | null) => ({ name: 'tiny', shape: [2], numClasses: 3, train: split(5), test }) as unknown as Dataset;
  it('the test split, or the training split when there is no test split', () => {
    const withTest = ds(split(4));
    expect(fitAndSplit(withTest, [{ inputShape: [2], numClasses: 3 }])).toEqual({ split: withTest.test, which: 'test' });
    const without = ds(null);
    expect(fitAndSplit(without, [])).toEqual({ split: without.train, which: 'train' });
    const empty = ds(split(0));
    expect(fitAndSplit(empty, []).which).toBe('train');
  });

  it('names the dataset and the first net that does not fit', () => {
    const nets = [
      { inputShape: [2], numClasses: 3 },
      { inputShape: [2], numClasses: 5 },
    ];
    expect(() => fitAndSplit(ds(split(4)), nets)).toThrow(DatasetError);
    expect(() => fitAndSplit(ds(split(4)), nets)).toThrow(
      'tiny does not fit the graph: the dataset has 3 classes but the final layer has 5 units',
    );
  });
});

describe('loadDataset dispatch', () => {
  const root = tempDir();
  it('reports a missing path, an unknown file and a folder with nothing it can read', async () => {
    await expect(loadDataset(join(root, 'nope'))).rejects.toThrow(/nope: no such file or folder/);
    await expect(loadDataset(write(join(root, 'x.bin'), 'hi'))).rejects.toThrow(/x\.bin: not a file NetCanvas can read as a dataset/);
    write(join(root, 'empty', 'readme.md'), 'hi');
    await expect(loadDataset(join(root, 'empty'))).rejects.toThrow(/empty: not a dataset folder NetCanvas can read/);
  });

  it('rejects a limit that is not a positive whole number, and an unknown normalisation', async () => {
    await expect(loadDataset('embedded:mnist', { limit: 0 })).rejects.toThrow('limit must be a whole number of at least 1, got 0');
    await expect(loadDataset('embedded:mnist', { normalization: 'zscore' as 'unit' })).rejects.toThrow(
      /normalization must be 'unit' or 'standard'/,
    );
  });

  it('standardises CSV features per feature using training statistics', async () => {
    const ds = await loadDataset(write(join(root, 's.csv'), 'a,b,label\n0,10,x\n2,10,y\n4,10,x\n'), { normalization: 'standard' });
    expect(ds.normalization?.kind).toBe('standard');
    expect(Array.from(ds.train.x).map((v) => Number(v.toFixed(4)))).toEqual([-1.2247, 0, 0, 0, 1.2247, 0]);
  });
});
