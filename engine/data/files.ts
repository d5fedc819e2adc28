/**
 * File access for the loaders: reads go through the bounded reader (regular files only, a byte
 * cap), gzip is recognised by content (not by the name) and inflated under the same cap, and every
 * failure becomes a DatasetError that names the file.
 */
import { readdir, stat } from 'node:fs/promises';
import { DATASET_FILE_MAX_BYTES, IoError, gunzipBounded, isGzip, plainReason, readFileBounded } from '../io';
import { DatasetError } from './types';

export { isGzip };

function asDatasetError(err: unknown): DatasetError {
  if (err instanceof DatasetError) return err;
  if (err instanceof IoError) return new DatasetError(err.message);
  return new DatasetError(String((err as Error)?.message ?? err));
}

/** The whole file, refused past `maxBytes` (default 1 GiB) or when it is a device, pipe or socket. */
export async function readBytes(path: string, maxBytes = DATASET_FILE_MAX_BYTES): Promise<Buffer> {
  try {
    return await readFileBounded(path, { maxBytes, what: 'NetCanvas reads from one dataset file' });
  } catch (err) {
    throw asDatasetError(err);
  }
}

export async function listDir(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch (err) {
    throw new DatasetError(
      `cannot list ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'it is a file, not a folder' : plainReason(err)}`,
    );
  }
}

/** 'other': a device, pipe or socket, which no loader reads. */
export async function pathKind(path: string): Promise<'file' | 'dir' | 'missing' | 'other'> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

/** The file's bytes, gunzipped when they are gzip data; both the file and what it inflates to are capped. */
export async function readMaybeGzip(path: string, maxBytes = DATASET_FILE_MAX_BYTES): Promise<Buffer> {
  const bytes = await readBytes(path, maxBytes);
  if (!isGzip(bytes)) return bytes;
  try {
    return await gunzipBounded(bytes, path, maxBytes);
  } catch (err) {
    throw asDatasetError(err);
  }
}

/** One class name per line (classes.txt, CIFAR's batches.meta.txt); null when the file is absent. */
export async function readClassList(path: string): Promise<string[] | null> {
  if ((await pathKind(path)) !== 'file') return null;
  const names = (await readBytes(path, 16 * 1024 * 1024))
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (names.length === 0) throw new DatasetError(`${path}: the class list is empty`);
  return names;
}
