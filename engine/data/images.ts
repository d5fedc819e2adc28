/**
 * A folder of images, one sub-folder per class (`digits/3/a.png`), or the same under `train/` and
 * `test/`. PNG and JPEG are decoded in pure JavaScript (pngjs, jpeg-js) so the app needs no native
 * module. Students' own photos are the likeliest data to be inconsistent, so sizes are checked.
 */
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
// Default imports: both are CommonJS, and Node's ESM loader only guarantees `default` for those.
import pngjs from 'pngjs';
import { checkImageSize, IMAGE_FILE_MAX_BYTES, IoError } from '../io';
import { listDir, pathKind, readBytes } from './files';
import { DatasetError, type Dataset, type Split } from './types';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);

interface ImageFile {
  /** Relative to the dataset folder, for messages: `cat/001.png`. */
  rel: string;
  path: string;
  label: number;
}

export interface Decoded {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  rgba: Uint8Array;
}

export function isImageName(name: string): boolean {
  return !name.startsWith('.') && IMAGE_EXT.has(extname(name).toLowerCase());
}

async function subdirs(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await listDir(dir)) {
    if (!name.startsWith('.') && (await pathKind(join(dir, name))) === 'dir') out.push(name);
  }
  return out;
}

/** Which layout `dir` uses, or null when it is not an image folder at all. */
export async function imageFolderLayout(dir: string): Promise<'split' | 'classes' | null> {
  const dirs = await subdirs(dir);
  if (dirs.includes('train') && (await subdirs(join(dir, 'train'))).length > 0) return 'split';
  for (const d of dirs) {
    if ((await listDir(join(dir, d))).some(isImageName)) return 'classes';
  }
  return null;
}

/**
 * Files of every class, interleaved class by class (first of each class, then second of each…),
 * so that `limit` keeps every class represented instead of only the first folders.
 */
async function listImages(dir: string, classNames: readonly string[], prefix: string): Promise<ImageFile[]> {
  const perClass: ImageFile[][] = [];
  for (const [label, cls] of classNames.entries()) {
    const classDir = join(dir, cls);
    const names = (await pathKind(classDir)) === 'dir' ? (await listDir(classDir)).filter(isImageName) : [];
    perClass.push(names.map((n) => ({ rel: `${prefix}${cls}/${n}`, path: join(classDir, n), label })));
  }
  const out: ImageFile[] = [];
  const longest = Math.max(0, ...perClass.map((files) => files.length));
  for (let i = 0; i < longest; i++) {
    for (const files of perClass) if (i < files.length) out.push(files[i]!);
  }
  return out;
}

/** The header's size before any decoding: a 20000×20000 image (or mask) would take gigabytes to decode. */
export function checkDecodable(bytes: Buffer, file: { path: string }): void {
  try {
    checkImageSize(bytes, file.path);
  } catch (err) {
    throw new DatasetError((err as IoError).message);
  }
}

export function decode(bytes: Buffer, file: { rel: string; path: string }): Decoded {
  checkDecodable(bytes, file);
  const isPng = bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  try {
    if (isPng) {
      const png = pngjs.PNG.sync.read(bytes);
      return { width: png.width, height: png.height, rgba: png.data };
    }
    if (isJpeg) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
      return { width: img.width, height: img.height, rgba: img.data };
    }
  } catch (err) {
    throw new DatasetError(`${file.rel}: cannot decode the ${isPng ? 'PNG' : 'JPEG'} image: ${(err as Error).message} (${file.path})`);
  }
  throw new DatasetError(`${file.rel}: not a PNG or JPEG image despite its name (${file.path})`);
}

export function isGray(img: Decoded): boolean {
  const d = img.rgba;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] !== d[i + 1] || d[i] !== d[i + 2]) return false;
  }
  return true;
}

async function decodeAll(files: readonly ImageFile[], root: string, maxBytes = IMAGE_FILE_MAX_BYTES): Promise<Decoded[]> {
  const out: Decoded[] = [];
  let first: { file: ImageFile; img: Decoded } | null = null;
  for (const file of files) {
    const img = decode(await readBytes(file.path, Math.min(maxBytes, IMAGE_FILE_MAX_BYTES)), file);
    if (!first) first = { file, img };
    else if (img.width !== first.img.width || img.height !== first.img.height) {
      throw new DatasetError(
        `mixed image sizes: ${first.file.rel} is ${first.img.width}×${first.img.height} but ${file.rel} is ${img.width}×${img.height}; resize all images to one size (in ${root})`,
      );
    }
    out.push(img);
  }
  return out;
}

/** Packs decoded images into a split: channels-last, 1 channel (the red plane, equal to G and B) or 3 (alpha dropped). */
function pack(images: readonly Decoded[], files: readonly ImageFile[], channels: 1 | 3): Split {
  const first = images[0];
  const pixels = first ? first.width * first.height : 0;
  const x = new Float32Array(images.length * pixels * channels);
  const y = new Int32Array(images.length);
  images.forEach((img, n) => {
    y[n] = files[n]!.label;
    const base = n * pixels * channels;
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < channels; c++) x[base + p * channels + c] = img.rgba[p * 4 + c]! / 255;
    }
  });
  return { x, y, count: images.length };
}

/** A folder of class sub-folders of PNG/JPEG images, or `train/` + `test/` each holding such sub-folders. */
export async function loadImageFolder(
  dir: string,
  source: string,
  opts: { limit?: number; testLimit?: number; maxFileBytes?: number } = {},
): Promise<Dataset> {
  const layout = await imageFolderLayout(dir);
  if (!layout) throw new DatasetError(`${dir}: no class sub-folders with PNG or JPEG images here`);
  const trainDir = layout === 'split' ? join(dir, 'train') : dir;
  const classNames = await subdirs(trainDir);
  const prefix = layout === 'split' ? 'train/' : '';
  const trainFiles = await listImages(trainDir, classNames, prefix);
  const seen = new Set(trainFiles.map((f) => f.label));
  for (const [label, cls] of classNames.entries()) {
    if (!seen.has(label)) throw new DatasetError(`${join(trainDir, cls)}: class folder "${cls}" has no PNG or JPEG images`);
  }

  let testFiles: ImageFile[] = [];
  if (layout === 'split' && (await pathKind(join(dir, 'test'))) === 'dir') {
    const extra = (await subdirs(join(dir, 'test'))).filter((c) => !classNames.includes(c));
    if (extra.length > 0)
      throw new DatasetError(
        `${join(dir, 'test')}: class folder "${extra[0]}" is not among the training classes (${classNames.join(', ')})`,
      );
    testFiles = await listImages(join(dir, 'test'), classNames, 'test/');
  }

  const trainPick = trainFiles.slice(0, opts.limit ?? Infinity);
  const testPick = testFiles.slice(0, opts.testLimit ?? opts.limit ?? Infinity);
  // Decoded together so one size check covers both splits.
  const all = await decodeAll([...trainPick, ...testPick], dir, opts.maxFileBytes);
  const channels = all.every(isGray) ? 1 : 3;
  const first = all[0]!;
  const train = pack(all.slice(0, trainPick.length), trainPick, channels);
  const test = testPick.length > 0 ? pack(all.slice(trainPick.length), testPick, channels) : null;
  const shape = [first.height, first.width, channels];
  return {
    name: dir.split(/[\\/]/).filter(Boolean).pop() ?? dir,
    source,
    shape,
    numClasses: classNames.length,
    classNames,
    train,
    test,
    normalization: { kind: 'unit' },
  };
}
