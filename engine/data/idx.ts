/**
 * IDX files, the format of MNIST and Fashion-MNIST: a big-endian header (magic number, then one
 * uint32 per dimension) followed by unsigned bytes. Raw or gzipped. Every way a download can go
 * wrong (wrong file, truncated, mismatched pair) gets its own message naming the file.
 */
import { basename, dirname, join } from 'node:path';
import { listDir, readClassList, readMaybeGzip } from './files';
import { DatasetError, type Dataset, type Split } from './types';

export const IDX_IMAGES_MAGIC = 2051; // 0x00000803: unsigned bytes, 3 dimensions
export const IDX_LABELS_MAGIC = 2049; // 0x00000801: unsigned bytes, 1 dimension

export const DIGIT_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/**
 * Both spellings seen in the wild: `train-images-idx3-ubyte` (LeCun, Zalando) and `train-images.idx3-ubyte`.
 * `masks` (idx3, a class id per pixel) make a segmentation set, like the generated `embedded:mnist-segmentation`.
 */
const IDX_NAME = /^(train|t10k)-(images|labels|masks)[-.]idx([13])-ubyte(\.gz)?$/;

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** Pixels 0–255, `count·rows·cols` of them. */
  pixels: Uint8Array;
}

function header(bytes: Uint8Array, path: string, kind: 'images' | 'labels'): number[] {
  const expected = kind === 'images' ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC;
  const other = kind === 'images' ? IDX_LABELS_MAGIC : IDX_IMAGES_MAGIC;
  const ndims = kind === 'images' ? 3 : 1;
  const tooShort = () =>
    new DatasetError(`${path}: too short to be an IDX ${kind} file (${bytes.length} bytes); the file is truncated or empty`);
  if (bytes.length < 4) throw tooShort();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic === other) {
    throw new DatasetError(
      `${path}: this is an IDX ${kind === 'images' ? 'labels' : 'images'} file (magic number ${magic}), expected ${kind} (magic number ${expected}); are the file names swapped?`,
    );
  }
  if (magic !== expected) {
    throw new DatasetError(
      `${path}: not an IDX ${kind} file: magic number ${magic} (0x${magic.toString(16).padStart(8, '0')}), expected ${expected}`,
    );
  }
  if (bytes.length < 4 + 4 * ndims) throw tooShort();
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d));
  return dims;
}

function checkLength(bytes: Uint8Array, path: string, headerBytes: number, payload: number, what: string): void {
  const expected = headerBytes + payload;
  if (bytes.length < expected) {
    throw new DatasetError(`${path}: truncated: the header promises ${what} (${expected} bytes) but the file has ${bytes.length} bytes`);
  }
  if (bytes.length > expected) {
    throw new DatasetError(
      `${path}: ${bytes.length - expected} unexpected bytes after ${what}; the file is corrupt or not what its header says`,
    );
  }
}

/** Parses an IDX images file (already gunzipped). `path` is only used in messages. */
export function parseIdxImages(bytes: Uint8Array, path: string): IdxImages {
  const [count, rows, cols] = header(bytes, path, 'images') as [number, number, number];
  if (rows === 0 || cols === 0) throw new DatasetError(`${path}: images of ${rows}×${cols} pixels are empty`);
  checkLength(bytes, path, 16, count * rows * cols, `${count} images of ${rows}×${cols}`);
  return { count, rows, cols, pixels: bytes.subarray(16) };
}

/** Parses an IDX labels file (already gunzipped). */
export function parseIdxLabels(bytes: Uint8Array, path: string): Uint8Array {
  const [count] = header(bytes, path, 'labels') as [number];
  checkLength(bytes, path, 8, count, `${count} labels`);
  return bytes.subarray(8);
}

/**
 * One split from an images file and its labels file: pixels scaled to [0, 1], labels checked
 * against `numClasses`, at most `limit` samples.
 */
export async function loadIdxSplit(
  imagesPath: string,
  labelsPath: string,
  numClasses: number,
  limit?: number,
  maxBytes?: number,
): Promise<{ split: Split; rows: number; cols: number }> {
  const images = parseIdxImages(await readMaybeGzip(imagesPath, maxBytes), imagesPath);
  const labels = parseIdxLabels(await readMaybeGzip(labelsPath, maxBytes), labelsPath);
  if (labels.length !== images.count) {
    throw new DatasetError(
      `${basename(imagesPath)} has ${images.count} images but ${basename(labelsPath)} has ${labels.length} labels (in ${dirname(imagesPath)})`,
    );
  }
  const count = Math.min(images.count, limit ?? Infinity);
  const size = images.rows * images.cols;
  const x = new Float32Array(count * size);
  for (let i = 0; i < x.length; i++) x[i] = images.pixels[i]! / 255;
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels[i]!;
    if (label >= numClasses) {
      throw new DatasetError(
        `${labelsPath}: label ${label} of sample ${i} is out of range 0–${numClasses - 1}; if this dataset has more classes, list their names one per line in classes.txt beside it`,
      );
    }
    y[i] = label;
  }
  return { split: { x, y, count }, rows: images.rows, cols: images.cols };
}

interface IdxPart {
  images?: string;
  labels?: string;
  masks?: string;
}

interface IdxFiles {
  train?: IdxPart;
  t10k?: IdxPart;
}

/** The standard IDX files in a folder; raw files win over .gz when both are there (no gunzip). */
export function findIdxFiles(names: readonly string[]): IdxFiles {
  const found: IdxFiles = {};
  for (const name of [...names].sort((a, b) => Number(a.endsWith('.gz')) - Number(b.endsWith('.gz')))) {
    const m = IDX_NAME.exec(name);
    if (!m) continue;
    const part = (found[m[1] as 'train' | 't10k'] ??= {});
    const kind = m[2] as 'images' | 'labels' | 'masks';
    part[kind] ??= name;
  }
  return found;
}

export function isIdxFileName(name: string): boolean {
  return IDX_NAME.test(name);
}

export function hasIdxFiles(names: readonly string[]): boolean {
  return names.some((n) => IDX_NAME.test(n));
}

/** classes.txt beside the files wins; otherwise Fashion-MNIST's names for a folder called *fashion*, else digits. */
async function idxClassNames(dir: string): Promise<string[]> {
  const listed = await readClassList(join(dir, 'classes.txt'));
  if (listed) return listed;
  return /fashion/i.test(dir) ? FASHION_NAMES : DIGIT_NAMES;
}

function describeMissing(dir: string, split: string, files: IdxPart | undefined): never {
  const missing = files?.images ? `${split}-labels-idx1-ubyte[.gz]` : `${split}-images-idx3-ubyte[.gz]`;
  throw new DatasetError(`${dir}: found ${files?.images ?? files?.labels} but not ${missing}; IDX images and labels come in pairs`);
}

/** A folder of IDX files: train-* is required, t10k-* (the test split) is optional. */
export async function loadIdxDir(
  dir: string,
  source: string,
  opts: { limit?: number; testLimit?: number; maxFileBytes?: number } = {},
): Promise<Dataset> {
  const files = findIdxFiles(await listDir(dir));
  if (!files.train?.images && !files.train?.labels) {
    throw new DatasetError(`${dir}: no train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] here`);
  }
  if (!files.train.images || !files.train.labels) describeMissing(dir, 'train', files.train);
  if (files.t10k && (!files.t10k.images || !files.t10k.labels)) describeMissing(dir, 't10k', files.t10k);
  const classNames = await idxClassNames(dir);
  const train = await loadIdxSplit(
    join(dir, files.train.images),
    join(dir, files.train.labels),
    classNames.length,
    opts.limit,
    opts.maxFileBytes,
  );
  let test: Split | null = null;
  if (files.t10k?.images && files.t10k.labels) {
    const t = await loadIdxSplit(
      join(dir, files.t10k.images),
      join(dir, files.t10k.labels),
      classNames.length,
      opts.testLimit ?? opts.limit,
      opts.maxFileBytes,
    );
    if (t.rows !== train.rows || t.cols !== train.cols) {
      throw new DatasetError(`${dir}: training images are ${train.rows}×${train.cols} but test images are ${t.rows}×${t.cols}`);
    }
    test = t.split;
  }
  const shape = [train.rows, train.cols, 1];
  const ds: Dataset = {
    name: basename(dir),
    source,
    shape,
    numClasses: classNames.length,
    classNames,
    train: train.split,
    test,
    normalization: { kind: 'unit' },
  };
  return files.train.masks ? withIdxMasks(ds, dir, files) : ds;
}

/** Masks for each split (`*-masks-idx3-ubyte`): one per image, the images' size, class ids below the class count. */
async function withIdxMasks(ds: Dataset, dir: string, files: IdxFiles): Promise<Dataset> {
  const [rows, cols] = ds.shape as [number, number];
  const read = async (file: string, split: Split) => {
    const path = join(dir, file);
    const masks = parseIdxImages(await readMaybeGzip(path), path);
    if (masks.rows !== rows || masks.cols !== cols) {
      throw new DatasetError(
        `${path}: masks are ${masks.rows}×${masks.cols} but the images are ${rows}×${cols}; a mask labels each pixel of its image`,
      );
    }
    if (masks.count < split.count)
      throw new DatasetError(`${path} has ${masks.count} masks for ${split.count} images; each image needs one`);
    const pixels = masks.pixels.slice(0, split.count * rows * cols);
    const bad = pixels.findIndex((v) => v >= ds.numClasses);
    if (bad >= 0) {
      const [sample, at] = [Math.floor(bad / (rows * cols)), bad % (rows * cols)];
      throw new DatasetError(
        `${path}: mask ${sample} has class id ${pixels[bad]} at row ${Math.floor(at / cols)}, column ${at % cols}, out of range 0–${ds.numClasses - 1} (the classes in classes.txt)`,
      );
    }
    return pixels;
  };
  const train = { ...ds.train, masks: await read(files.train!.masks!, ds.train) };
  let test = ds.test;
  if (test) {
    if (!files.t10k?.masks)
      throw new DatasetError(
        `${dir}: the training images have masks (${files.train!.masks}) but the test images have none (t10k-masks-idx3-ubyte[.gz])`,
      );
    test = { ...test, masks: await read(files.t10k.masks, test) };
  }
  return { ...ds, train, test, masks: { shape: [rows, cols] } };
}

/**
 * A single IDX file named on its own: its partner (images ↔ labels) is looked up beside it and the
 * pair becomes the training split.
 */
export async function loadIdxFile(path: string, source: string, opts: { limit?: number; maxFileBytes?: number } = {}): Promise<Dataset> {
  const dir = dirname(path);
  const m = IDX_NAME.exec(basename(path));
  if (!m) throw new DatasetError(`${path}: not a standard IDX file name (expected e.g. train-images-idx3-ubyte.gz)`);
  const partner = findIdxFiles(await listDir(dir))[m[1] as 'train' | 't10k'];
  const images = m[2] === 'images' ? basename(path) : partner?.images;
  const labels = m[2] === 'labels' ? basename(path) : partner?.labels;
  if (!images || !labels) describeMissing(dir, m[1]!, { images, labels });
  const classNames = await idxClassNames(dir);
  const loaded = await loadIdxSplit(join(dir, images), join(dir, labels), classNames.length, opts.limit, opts.maxFileBytes);
  return {
    name: basename(images).replace(/[-.]idx3-ubyte(\.gz)?$/, ''),
    source,
    shape: [loaded.rows, loaded.cols, 1],
    numClasses: classNames.length,
    classNames,
    train: loaded.split,
    test: null,
    normalization: { kind: 'unit' },
  };
}
