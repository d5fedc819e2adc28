import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, loadDataset } from '../../../engine/data';
import { tempDir, write } from './helpers';

const root = tempDir();
let n = 0;
const csv = (text: string, name = `t${n++}.csv`) => write(join(root, name), text);

describe('CSV loader', () => {
  it('reads a header, string labels (sorted into classes) and min–max scales features', async () => {
    const file = csv('sepal,petal,species\n5,1,virginica\n7,3,setosa\n6,2,"versi, color"\n');
    const ds = await loadDataset(file);
    expect(ds.shape).toEqual([2]);
    expect(ds.classNames).toEqual(['setosa', 'versi, color', 'virginica']);
    expect(Array.from(ds.train.y)).toEqual([2, 0, 1]);
    expect(Array.from(ds.train.x)).toEqual([0, 0, 1, 1, 0.5, 0.5]);
    expect(ds.test).toBeNull();
  });

  it('reads integer labels from a column named label, without needing it last', async () => {
    const ds = await loadDataset(csv('label,a,b\n2,0.5,1\n0,1.5,-1\n'));
    expect(ds.classNames).toEqual(['0', '1', '2']);
    expect(Array.from(ds.train.y)).toEqual([2, 0]);
    expect(ds.shape).toEqual([2]);
  });

  it('works without a header (label last) and with an explicit label column', async () => {
    const noHeader = await loadDataset(csv('1,2,0\n3,4,1\n\n5,6,1\n'));
    expect(noHeader.train.count).toBe(3);
    expect(Array.from(noHeader.train.y)).toEqual([0, 1, 1]);
    const first = await loadDataset(csv('1,2,0\n3,4,1\n'), { labelColumn: 0 });
    expect(Array.from(first.train.y)).toEqual([1, 3]);
  });

  it('reads train.csv and test.csv from a folder with shared classes and scaling', async () => {
    const dir = join(root, 'pair');
    write(join(dir, 'train.csv'), 'x,y\n0,a\n10,b\n');
    write(join(dir, 'test.csv'), 'x,y\n5,b\n');
    const ds = await loadDataset(dir);
    expect(ds.test?.count).toBe(1);
    expect(Array.from(ds.test!.y)).toEqual([1]);
    expect(ds.test!.x[0]).toBeCloseTo(0.5);
  });

  it('names file:line:column and the column for a non-numeric feature', async () => {
    const file = csv('a,b,label\n1,2,x\n\n3,abc,y\n', 'bad.csv');
    const err = await loadDataset(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toBe(`${file}:4:2: "abc" is not a number (column "b"); feature columns must hold numbers`);
  });

  it('reports empty cells, ragged rows and unknown label columns', async () => {
    await expect(loadDataset(csv('1,,0\n'))).rejects.toThrow(/:1:2: empty cell \(column 2\)/);
    await expect(loadDataset(csv('a,b,label\n1,2,0\n1,2\n'))).rejects.toThrow(/:3: has 2 columns, expected 3/);
    await expect(loadDataset(csv('a,b\n1,2\n'), { labelColumn: 'class' })).rejects.toThrow(/no column named "class" \(columns: a, b\)/);
  });

  it('reports a test label the training data never had', async () => {
    const dir = join(root, 'unseen');
    write(join(dir, 'train.csv'), 'x,y\n0,a\n');
    write(join(dir, 'test.csv'), 'x,y\n1,zzz\n');
    await expect(loadDataset(dir)).rejects.toThrow(/test\.csv:2:2: label "zzz" does not occur in the training data/);
  });
});
