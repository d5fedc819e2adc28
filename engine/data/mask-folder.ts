/**
 * A segmentation folder: `images/` and `masks/` with matching file names (`images/street1.jpg` ↔
 * `masks/street1.png`), or the same under `train/` and `test/`. Images are PNG or JPEG; masks are
 * PNG (lossless) whose grey value at a pixel is that pixel's class id; `classes.txt` beside
 * `images/` (or in the top folder) names the classes, one per line, class 0 first. Every mistake a
 * person makes assembling such a folder (a mask missing, a size that differs, a colour mask, an id
 * with no class) is refused naming the file and the pixel.
 */
import { basename, extname, join } from 'node:path';
import pngjs from 'pngjs';
import { listDir, pathKind, readBytes, readClassList } from './files';
import { checkDecodable, decode, isGray, isImageName, type Decoded } from './images';
import { DatasetError, type Dataset, type Split } from './types';

const stem = (name: string) => basename(name, extname(name));

const isDir = async (path: string) => (await pathKind(path)) === 'dir';

/** 'flat' (images/ + masks/), 'split' (train/images + train/masks), or null when `dir` is not a segmentation folder. */
export async function maskFolderLayout(dir: string): Promise<'flat' | 'split' | null> {
  if ((await isDir(join(dir, 'images'))) && (await isDir(join(dir, 'masks')))) return 'flat';
  if ((await isDir(join(dir, 'train', 'images'))) && (await isDir(join(dir, 'train', 'masks')))) return 'split';
  return null;
}

interface Pair {
  readonly image: { rel: string; path: string };
  readonly mask: { rel: string; path: string };
}

/** Images and their masks, paired by name; a file without its partner is an error. */
async function pairs(dir: string, prefix: string): Promise<Pair[]> {
  const images = (await listDir(join(dir, 'images'))).filter(isImageName);
  const masks = (await listDir(join(dir, 'masks'))).filter(isImageName);
  const maskByStem = new Map<string, string>();
  for (const m of masks) {
    if (extname(m).toLowerCase() !== '.png') {
      throw new DatasetError(`${prefix}masks/${m}: masks must be PNG files (JPEG changes the class ids as it compresses) (in ${dir})`);
    }
    maskByStem.set(stem(m), m);
  }
  if (images.length === 0) throw new DatasetError(`${join(dir, 'images')}: no PNG or JPEG images here`);
  const out: Pair[] = [];
  const used = new Set<string>();
  for (const name of images) {
    const mask = maskByStem.get(stem(name));
    if (!mask) throw new DatasetError(`${prefix}images/${name} has no mask: expected ${prefix}masks/${stem(name)}.png (in ${dir})`);
    used.add(mask);
    out.push({
      image: { rel: `${prefix}images/${name}`, path: join(dir, 'images', name) },
      mask: { rel: `${prefix}masks/${mask}`, path: join(dir, 'masks', mask) },
    });
  }
  const orphan = masks.find((m) => !used.has(m));
  if (orphan)
    throw new DatasetError(`${prefix}masks/${orphan} has no image: expected ${prefix}images/${stem(orphan)}.png or .jpg (in ${dir})`);
  return out;
}

function decodeMask(bytes: Buffer, file: { rel: string; path: string }): Decoded {
  if (!(bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47)) throw new DatasetError(`${file.rel}: not a PNG file (${file.path})`);
  checkDecodable(bytes, file);
  try {
    const png = pngjs.PNG.sync.read(bytes);
    return { width: png.width, height: png.height, rgba: png.data };
  } catch (err) {
    throw new DatasetError(`${file.rel}: cannot decode the PNG mask: ${(err as Error).message} (${file.path})`);
  }
}

/** The class ids of a mask (its grey values), checked: grey, and below `classes` when a class list is given. */
function maskIds(mask: Decoded, file: { rel: string }, classes: number | null): Uint8Array {
  const ids = new Uint8Array(mask.width * mask.height);
  for (let p = 0; p < ids.length; p++) {
    const [r, g, b] = [mask.rgba[p * 4]!, mask.rgba[p * 4 + 1]!, mask.rgba[p * 4 + 2]!];
    const at = `row ${Math.floor(p / mask.width)}, column ${p % mask.width}`;
    if (r !== g || r !== b) {
      throw new DatasetError(
        `${file.rel}: the pixel at ${at} is the colour (${r}, ${g}, ${b}); a mask stores each pixel's class id as a grey value (R = G = B = id)`,
      );
    }
    if (classes !== null && r >= classes) {
      throw new DatasetError(
        `${file.rel}: class id ${r} at ${at} is out of range: classes.txt lists ${classes} classes (ids 0–${classes - 1})`,
      );
    }
    ids[p] = r;
  }
  return ids;
}

interface Loaded {
  readonly images: Decoded[];
  readonly masks: Uint8Array[];
}

async function loadPairs(
  list: readonly Pair[],
  classes: number | null,
  size: { first: Pair; width: number; height: number } | null,
): Promise<Loaded> {
  const images: Decoded[] = [];
  const masks: Uint8Array[] = [];
  let first = size;
  for (const pair of list) {
    const image = decode(await readBytes(pair.image.path), pair.image);
    const mask = decodeMask(await readBytes(pair.mask.path), pair.mask);
    if (mask.width !== image.width || mask.height !== image.height) {
      throw new DatasetError(
        `${pair.mask.rel} is ${mask.width}×${mask.height} but its image ${pair.image.rel} is ${image.width}×${image.height}; a mask labels each pixel of its image`,
      );
    }
    if (!first) first = { first: pair, width: image.width, height: image.height };
    else if (image.width !== first.width || image.height !== first.height) {
      throw new DatasetError(
        `mixed image sizes: ${first.first.image.rel} is ${first.width}×${first.height} but ${pair.image.rel} is ${image.width}×${image.height}; resize all images and masks to one size`,
      );
    }
    images.push(image);
    masks.push(maskIds(mask, pair.mask, classes));
  }
  return { images, masks };
}

function toSplit(loaded: Loaded, channels: 1 | 3): Split {
  const { images, masks } = loaded;
  const pixels = images[0] ? images[0].width * images[0].height : 0;
  const x = new Float32Array(images.length * pixels * channels);
  const m = new Uint8Array(images.length * pixels);
  images.forEach((img, n) => {
    for (let p = 0; p < pixels; p++) for (let c = 0; c < channels; c++) x[(n * pixels + p) * channels + c] = img.rgba[p * 4 + c]! / 255;
    m.set(masks[n]!, n * pixels);
  });
  return { x, y: new Int32Array(images.length), count: images.length, masks: m };
}

/** Loads a segmentation folder (see the module comment); `limit`/`testLimit` keep the first files by name. */
export async function loadMaskFolder(dir: string, source: string, opts: { limit?: number; testLimit?: number } = {}): Promise<Dataset> {
  const layout = await maskFolderLayout(dir);
  if (!layout) throw new DatasetError(`${dir}: expected images/ and masks/ folders (or train/images and train/masks)`);
  const trainDir = layout === 'split' ? join(dir, 'train') : dir;
  const listed =
    (await readClassList(join(trainDir, 'classes.txt'))) ?? (layout === 'split' ? await readClassList(join(dir, 'classes.txt')) : null);
  const trainPairs = (await pairs(trainDir, layout === 'split' ? 'train/' : '')).slice(0, opts.limit ?? Infinity);
  const testDir = join(dir, 'test');
  const testPairs =
    layout === 'split' && (await isDir(join(testDir, 'images')))
      ? (await pairs(testDir, 'test/')).slice(0, opts.testLimit ?? opts.limit ?? Infinity)
      : [];
  const classes = listed?.length ?? null;
  const train = await loadPairs(trainPairs, classes, null);
  const firstImage = train.images[0]!;
  const test = await loadPairs(testPairs, classes, { first: trainPairs[0]!, width: firstImage.width, height: firstImage.height });
  const all = [...train.images, ...test.images];
  const channels = all.every(isGray) ? 1 : 3;
  let classNames = listed;
  if (!classNames) {
    const used = new Set<number>();
    for (const m of [...train.masks, ...test.masks]) for (const id of m) used.add(id);
    if (used.size === 2 && used.has(0) && used.has(255)) {
      throw new DatasetError(
        `${trainPairs[0]!.mask.rel}: the masks are black and white (ids 0 and 255); a mask stores class ids, so an object of class 1 is grey value 1 (or list 256 classes in classes.txt)`,
      );
    }
    classNames = Array.from({ length: Math.max(...used) + 1 }, (_, i) => String(i));
  }
  return {
    name: basename(dir),
    source,
    shape: [firstImage.height, firstImage.width, channels],
    numClasses: classNames.length,
    classNames,
    train: toSplit(train, channels),
    test: test.images.length > 0 ? toSplit(test, channels) : null,
    normalization: { kind: 'unit' },
    masks: { shape: [firstImage.height, firstImage.width] },
    unlabelled: true,
  };
}
