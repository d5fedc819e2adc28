/**
 * One entry point for every dataset the app can train on. The user names a thing (a folder, a
 * file, `embedded:mnist`) and this decides by content what it is, so nobody has to pick a format.
 */
import { basename, join } from 'node:path';
import { findCifarDir, loadCifarDir } from './cifar';
import { loadCsv } from './csv';
import { loadEmbedded } from './embedded';
import { listDir, pathKind } from './files';
import { imageFolderLayout, loadImageFolder } from './images';
import { hasIdxFiles, isIdxFileName, loadIdxDir, loadIdxFile } from './idx';
import { loadMaskFolder, maskFolderLayout } from './mask-folder';
import { standardize } from './normalize';
import { DatasetError, type Dataset, type LoadOptions } from './types';

function checkCount(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
    throw new DatasetError(`${name} must be a whole number of at least 1, got ${value}`);
  }
}

async function loadDir(dir: string, spec: string, opts: LoadOptions): Promise<Dataset> {
  const names = await listDir(dir);
  if (hasIdxFiles(names)) return loadIdxDir(dir, spec, opts);
  if (await findCifarDir(dir)) return loadCifarDir(dir, spec, opts);
  // A train.csv that is not a regular file is refused by the reader, in words, rather than skipped.
  if (names.includes('train.csv') && (await pathKind(join(dir, 'train.csv'))) !== 'dir') return loadCsv(dir, spec, opts);
  // Before the class-folder layout, which would take images/ and masks/ for two classes.
  if (await maskFolderLayout(dir)) return loadMaskFolder(dir, spec, opts);
  if (await imageFolderLayout(dir)) return loadImageFolder(dir, spec, opts);
  throw new DatasetError(
    `${dir}: not a dataset folder NetCanvas can read. Expected MNIST-style IDX files (train-images-idx3-ubyte[.gz] …), ` +
      'CIFAR-10 batches (data_batch_1.bin …), train.csv, one sub-folder of PNG/JPEG images per class, or images/ and masks/ (segmentation)',
  );
}

/**
 * Loads a dataset from `embedded:<name>`, a folder (IDX, CIFAR-10 binary, train.csv, or an image
 * folder, told apart by content), a `.csv` file, or a single IDX file. Throws DatasetError with a
 * message for the user when the data is missing or malformed.
 *
 * @example const ds = await loadDataset('embedded:mnist', { limit: 1000 });
 * // ds.shape [28, 28, 1], ds.numClasses 10, ds.train.count 1000
 */
export async function loadDataset(spec: string, opts: LoadOptions = {}): Promise<Dataset> {
  checkCount('limit', opts.limit);
  checkCount('testLimit', opts.testLimit);
  const normalization = opts.normalization ?? 'unit';
  if (normalization !== 'unit' && normalization !== 'standard') {
    throw new DatasetError(`normalization must be 'unit' or 'standard', got ${JSON.stringify(normalization)}`);
  }
  const ds = await loadRaw(spec.trim(), opts);
  return normalization === 'standard' ? standardize(ds) : ds;
}

async function loadRaw(spec: string, opts: LoadOptions): Promise<Dataset> {
  if (spec === '') throw new DatasetError('no dataset given: name a folder, a .csv file, embedded:mnist or embedded:mnist-segmentation');
  if (spec.startsWith('embedded:')) return loadEmbedded(spec.slice('embedded:'.length), spec, opts);
  switch (await pathKind(spec)) {
    case 'missing':
      throw new DatasetError(`${spec}: no such file or folder`);
    case 'dir':
      return loadDir(spec, spec, opts);
    case 'other':
      throw new DatasetError(`${spec}: not a file or folder (a device, pipe or socket); name a dataset folder or file`);
    case 'file': {
      const name = basename(spec);
      if (/\.csv$/i.test(name)) return loadCsv(spec, spec, opts);
      if (isIdxFileName(name)) return loadIdxFile(spec, spec, opts);
      throw new DatasetError(
        `${spec}: not a file NetCanvas can read as a dataset; expected a .csv file, an IDX file such as train-images-idx3-ubyte.gz, or a folder`,
      );
    }
  }
}
