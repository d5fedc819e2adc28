/**
 * CIFAR-10's binary version: `data_batch_1.bin`…`data_batch_5.bin` and `test_batch.bin`, each a
 * run of 3073-byte records (1 label byte, then 1024 red, 1024 green, 1024 blue bytes, row-major).
 * The planes are interleaved here into channels-last [32, 32, 3], the layout the whole app uses.
 */
import { basename, join } from 'node:path';
import { listDir, pathKind, readClassList, readMaybeGzip } from './files';
import { DatasetError, type Dataset, type Split } from './types';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

export const CIFAR10_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

const TRAIN_BATCH = /^data_batch_(\d+)\.bin$/;

/** `dir` itself or its `cifar-10-batches-bin` sub-folder (how the official archive unpacks), if it holds batches. */
export async function findCifarDir(dir: string): Promise<string | null> {
  for (const candidate of [dir, join(dir, 'cifar-10-batches-bin')]) {
    if ((await pathKind(candidate)) !== 'dir') continue;
    const names = await listDir(candidate);
    if (names.some((n) => TRAIN_BATCH.test(n) || n === 'test_batch.bin')) return candidate;
  }
  return null;
}

/**
 * Decodes whole records from `bytes` into `x`/`y` starting at sample `offset`; returns how many
 * were taken (at most `room`). A partial record means the file was cut short, which is an error.
 */
export function decodeCifarBatch(
  bytes: Uint8Array,
  path: string,
  numClasses: number,
  x: Float32Array,
  y: Int32Array,
  offset: number,
  room: number,
): number {
  if (bytes.length === 0) throw new DatasetError(`${path}: the file is empty`);
  if (bytes.length % RECORD !== 0) {
    const whole = Math.floor(bytes.length / RECORD);
    throw new DatasetError(
      `${path}: truncated: ${bytes.length} bytes is not a whole number of ${RECORD}-byte records (record ${whole} has only ${bytes.length - whole * RECORD} bytes)`,
    );
  }
  const take = Math.min(bytes.length / RECORD, room);
  for (let r = 0; r < take; r++) {
    const base = r * RECORD;
    const label = bytes[base]!;
    if (label >= numClasses) {
      throw new DatasetError(`${path}: label ${label} of record ${r} is out of range 0–${numClasses - 1}`);
    }
    y[offset + r] = label;
    const out = (offset + r) * 3 * PLANE;
    for (let p = 0; p < PLANE; p++) {
      x[out + 3 * p] = bytes[base + 1 + p]! / 255;
      x[out + 3 * p + 1] = bytes[base + 1 + PLANE + p]! / 255;
      x[out + 3 * p + 2] = bytes[base + 1 + 2 * PLANE + p]! / 255;
    }
  }
  return take;
}

async function loadBatches(dir: string, files: string[], numClasses: number, limit: number, maxBytes?: number): Promise<Split> {
  // Sizes are only known once each file is read; read them all (or until the limit), then copy once.
  const buffers: { path: string; bytes: Uint8Array }[] = [];
  let records = 0;
  for (const file of files) {
    if (records >= limit) break;
    const path = join(dir, file);
    const bytes = await readMaybeGzip(path, maxBytes);
    buffers.push({ path, bytes });
    records += Math.floor(bytes.length / RECORD);
  }
  const count = Math.min(records, limit);
  const x = new Float32Array(count * 3 * PLANE);
  const y = new Int32Array(count);
  let filled = 0;
  for (const { path, bytes } of buffers) {
    filled += decodeCifarBatch(bytes, path, numClasses, x, y, filled, count - filled);
  }
  return { x, y, count: filled };
}

/** A CIFAR-10 binary folder (or the folder above `cifar-10-batches-bin`). */
export async function loadCifarDir(
  dir: string,
  source: string,
  opts: { limit?: number; testLimit?: number; maxFileBytes?: number } = {},
): Promise<Dataset> {
  const root = await findCifarDir(dir);
  if (!root) throw new DatasetError(`${dir}: no CIFAR-10 batches (data_batch_1.bin … data_batch_5.bin, test_batch.bin) here`);
  const names = await listDir(root);
  const trainFiles = names
    .filter((n) => TRAIN_BATCH.test(n))
    .sort((a, b) => Number(TRAIN_BATCH.exec(a)![1]) - Number(TRAIN_BATCH.exec(b)![1]));
  if (trainFiles.length === 0) throw new DatasetError(`${root}: has test_batch.bin but no data_batch_N.bin training batches`);
  const classNames = (await readClassList(join(root, 'batches.meta.txt'))) ?? CIFAR10_NAMES;
  const train = await loadBatches(root, trainFiles, classNames.length, opts.limit ?? Infinity, opts.maxFileBytes);
  const test = names.includes('test_batch.bin')
    ? await loadBatches(root, ['test_batch.bin'], classNames.length, opts.testLimit ?? opts.limit ?? Infinity, opts.maxFileBytes)
    : null;
  return {
    name: basename(root) === 'cifar-10-batches-bin' ? 'CIFAR-10' : basename(root),
    source,
    shape: [SIDE, SIDE, 3],
    numClasses: classNames.length,
    classNames,
    train,
    test,
    normalization: { kind: 'unit' },
  };
}
