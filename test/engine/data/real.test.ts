/** Real data: the embedded MNIST subset (always there) and Fashion-MNIST from Debian's package. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FASHION_NAMES, loadDataset, type Split } from '../../../engine/data';

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
const hasFashion = existsSync(FASHION_DIR);

function classCounts(split: Split, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const y of split.y) counts[y]!++;
  return counts;
}

function range(x: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

describe('embedded:mnist', () => {
  it('loads 10,000 + 2,000 real digits of all ten classes quickly', async () => {
    const t0 = performance.now();
    const ds = await loadDataset('embedded:mnist');
    const ms = performance.now() - t0;
    // About 0.25 s on an idle 2-core machine (mostly allocating 31 MB of floats); the bound leaves
    // room for a CI machine busy with other test files, yet still catches an accidental slow path.
    expect(ms).toBeLessThan(2000);
    expect(ds.shape).toEqual([28, 28, 1]);
    expect(ds.numClasses).toBe(10);
    expect(ds.train.count).toBe(10_000);
    expect(ds.train.x.length).toBe(10_000 * 784);
    expect(ds.test?.count).toBe(2_000);
    expect(ds.licence).toMatch(/LeCun.*CC BY-SA 3\.0/);
    // The exact class counts and first labels of MNIST's first 10,000 training / 2,000 test digits.
    expect(classCounts(ds.train, 10)).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    expect(classCounts(ds.test!, 10)).toEqual([175, 234, 219, 207, 217, 179, 178, 205, 192, 194]);
    expect(Array.from(ds.train.y.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(ds.test!.y.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(range(ds.train.x)).toEqual([0, 1]);
  });

  it('standardises with training statistics near MNIST’s well-known mean 0.13 and std 0.31', async () => {
    const ds = await loadDataset('embedded:mnist', { normalization: 'standard', limit: 5000 });
    expect(ds.normalization?.kind).toBe('standard');
    if (ds.normalization?.kind !== 'standard') return;
    expect(ds.normalization.mean[0]).toBeCloseTo(0.131, 2);
    expect(ds.normalization.std[0]).toBeCloseTo(0.309, 2);
    let sum = 0;
    for (const v of ds.train.x) sum += v;
    expect(Math.abs(sum / ds.train.x.length)).toBeLessThan(1e-4);
  });

  it('names the embedded datasets when asked for an unknown one', async () => {
    await expect(loadDataset('embedded:cifar')).rejects.toThrow(
      'no embedded dataset called "cifar" (available: embedded:mnist, embedded:mnist-segmentation)',
    );
  });
});

const fashionTitle = hasFashion
  ? `Fashion-MNIST from Debian's dataset-fashion-mnist (${FASHION_DIR})`
  : `Fashion-MNIST — SKIPPED: ${FASHION_DIR} is absent; install it with: apt-get install dataset-fashion-mnist`;

describe.skipIf(!hasFashion)(fashionTitle, () => {
  it('loads the real gzipped IDX files with a limit', async () => {
    const ds = await loadDataset(FASHION_DIR, { limit: 2000, testLimit: 500 });
    expect(ds.shape).toEqual([28, 28, 1]);
    expect(ds.classNames).toEqual(FASHION_NAMES);
    expect(ds.train.count).toBe(2000);
    expect(ds.train.x.length).toBe(2000 * 784);
    expect(ds.test?.count).toBe(500);
    expect(range(ds.train.x)).toEqual([0, 1]);
    for (const split of [ds.train, ds.test!]) {
      expect(Math.min(...split.y)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...split.y)).toBeLessThanOrEqual(9);
    }
    // Zalando's data: the first training labels are ankle boot, T-shirt, T-shirt, dress, T-shirt…
    expect(Array.from(ds.train.y.subarray(0, 5))).toEqual([9, 0, 0, 3, 0]);
    expect(classCounts(ds.train, 10).every((c) => c > 150)).toBe(true);
  });
});
