/**
 * File access for the loaders: every OS error becomes a DatasetError that names the file, and
 * gzip is recognised by content (not by the name) so a renamed or unrenamed file still loads.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DatasetError } from './types';

function osProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  if (code === 'ENOTDIR') return 'it is a file, not a folder';
  return (err as Error).message;
}

export async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new DatasetError(`cannot read ${path}: ${osProblem(err)}`);
  }
}

export async function listDir(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch (err) {
    throw new DatasetError(`cannot list ${path}: ${osProblem(err)}`);
  }
}

export async function pathKind(path: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The file's bytes, gunzipped when they are gzip data. */
export async function readMaybeGzip(path: string): Promise<Buffer> {
  const bytes = await readBytes(path);
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' ? 'the gzip data is truncated' : 'the gzip data is corrupt';
    throw new DatasetError(`${basename(path)}: cannot decompress: ${why} (${path})`);
  }
}

/** One class name per line (classes.txt, CIFAR's batches.meta.txt); null when the file is absent. */
export async function readClassList(path: string): Promise<string[] | null> {
  if ((await pathKind(path)) !== 'file') return null;
  const names = (await readBytes(path))
    .toString('utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (names.length === 0) throw new DatasetError(`${path}: the class list is empty`);
  return names;
}
