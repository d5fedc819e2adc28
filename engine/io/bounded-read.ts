/**
 * The one way NetCanvas reads a file someone handed it (graphs, datasets, checkpoints, models,
 * images to classify): regular files only unless asked, and a byte cap enforced while reading,
 * not trusted from the file's size (/proc files say 0 bytes; a file can grow while it is read).
 * Devices and pipes (/dev/zero, /dev/urandom, a FIFO) are refused before a byte is read, and the
 * open cannot block on a FIFO without a writer.
 *
 * @example
 *   const text = (await readFileBounded('net.json', { maxBytes: GRAPH_FILE_MAX_BYTES, what: 'a graph file' })).toString('utf8');
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { MAX_GRAPH_TEXT_BYTES } from '../graph/limits';
import { IoError, formatBytes, ioError } from './errors';

export interface BoundedReadOptions {
  /** Refuse the file once it proves larger than this. */
  readonly maxBytes: number;
  /** Names the file in the size refusal: "larger than the 64 MiB a graph file may be". */
  readonly what?: string;
  /** Read devices and pipes too (never needed by NetCanvas itself; for tools that stream). */
  readonly allowNonRegular?: boolean;
}

/** Graph files are small; one this large is almost certainly the wrong file (the API's text limit too). */
export const GRAPH_FILE_MAX_BYTES = MAX_GRAPH_TEXT_BYTES;
/** One dataset file (an IDX or CIFAR batch, a CSV), and what a gzip file may inflate to. */
export const DATASET_FILE_MAX_BYTES = 1024 * 1024 * 1024;
/** V8 cannot hold a string much longer than 512 Mi characters: JSON files above this cannot be parsed anyway. */
export const JSON_FILE_MAX_BYTES = 512 * 1024 * 1024 - 64;
/** A model to import (ONNX protobuf or Keras JSON) on the command line. */
export const MODEL_FILE_MAX_BYTES = 1024 * 1024 * 1024;
/** One image (a dataset sample, an input to classify). */
export const IMAGE_FILE_MAX_BYTES = 64 * 1024 * 1024;

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer (forever).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const CHUNK = 1024 * 1024;

export function tooLarge(path: string, limit: number, what: string | undefined, size?: number): IoError {
  const seen = size != null ? `it is ${formatBytes(size)}, ` : 'it is ';
  return new IoError('read', path, `${seen}larger than the ${formatBytes(limit)} ${what ?? 'NetCanvas reads from one file'}`);
}

/** The whole file, at most `maxBytes` of it; rejects with an IoError for anything else. */
export async function readFileBounded(path: string, options: BoundedReadOptions): Promise<Buffer> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(path, OPEN_FLAGS);
    const info = await handle.stat();
    if (info.isDirectory()) throw new IoError('read', path, 'it is a folder, not a file', 'EISDIR');
    if (!info.isFile() && !options.allowNonRegular) {
      throw new IoError('read', path, 'it is not a regular file (a device, pipe or socket); choose a file');
    }
    if (info.size > options.maxBytes) throw tooLarge(path, options.maxBytes, options.what, info.size);
    // Sized from stat when it is honest; grown as needed when it is not (/proc says 0).
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const room = Math.min(CHUNK, options.maxBytes + 1 - total);
      const chunk = Buffer.allocUnsafe(Math.max(1, room));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > options.maxBytes) throw tooLarge(path, options.maxBytes, options.what);
      chunks.push(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead));
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } catch (err) {
    throw ioError('read', path, err);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** The file as UTF-8 text, a leading byte-order mark dropped (spreadsheets and Notepad write one). */
export async function readTextBounded(path: string, options: BoundedReadOptions): Promise<string> {
  return stripBom((await readFileBounded(path, options)).toString('utf8'));
}

export const stripBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
