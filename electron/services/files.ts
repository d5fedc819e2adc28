/**
 * File access for the UI, which may not touch the disk itself. Every path is checked against the
 * paths the user chose (./scope.ts) first; reads go through the bounded reader and writes through
 * the atomic writer (engine/io); every failure becomes an `ApiError` whose message names the path
 * and says what went wrong in plain words.
 */
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { GRAPH_FILE_MAX_BYTES, IoError, plainReason, readFileBounded, stripBom, writeFileAtomic } from '../../engine/io';
import { ApiError, type FileEntry } from '../api/contract';
import type { PathScope } from './scope';

/** Graph files are small; a file this large is almost certainly the wrong one. */
export const MAX_READ_BYTES = GRAPH_FILE_MAX_BYTES;

/** "Could not read /x/y.json: no such file or folder" rather than a raw errno and stack. */
export function fileError(action: string, path: string, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(`Could not ${action} ${path}: ${err instanceof IoError ? err.reason : plainReason(err)}`);
}

export interface FileService {
  /** An absolute path for what the user typed: `~` is the home folder; relative paths start there too. */
  resolvePath(path: string): string;
  read(path: string): Promise<{ path: string; text: string }>;
  /** The same checks as `read`, for binary files; `what` names the file in the size refusal. */
  readBytes(path: string, what?: string): Promise<{ path: string; bytes: Uint8Array }>;
  /** Writes atomically (engine/io's writeFileAtomic): a crash or a full disk never leaves half a file. */
  write(path: string, data: string | Uint8Array): Promise<{ path: string }>;
  list(dir: string): Promise<{ dir: string; entries: FileEntry[] }>;
}

export function createFileService(options: { homeDir?: string; scope: PathScope }): FileService {
  const home = options.homeDir ?? homedir();
  const { scope } = options;
  const resolvePath = (path: string): string => {
    const expanded = path === '~' ? home : path.startsWith('~/') || path.startsWith('~\\') ? join(home, path.slice(2)) : path;
    return isAbsolute(expanded) ? resolve(expanded) : resolve(home, expanded);
  };

  const readBytes = async (path: string, what = 'a graph file may be') => {
    const full = resolvePath(path);
    await scope.check(full, 'read');
    try {
      return { path: full, bytes: await readFileBounded(full, { maxBytes: MAX_READ_BYTES, what }) };
    } catch (err) {
      throw fileError('read', full, err);
    }
  };

  return {
    resolvePath,
    readBytes,
    async read(path) {
      const { path: full, bytes } = await readBytes(path);
      return { path: full, text: stripBom(Buffer.from(bytes).toString('utf8')) };
    },
    async write(path, data) {
      const full = resolvePath(path);
      await scope.check(full, 'write');
      try {
        await writeFileAtomic(full, data);
        return { path: full };
      } catch (err) {
        throw fileError('save', full, err);
      }
    },
    async list(dir) {
      const full = resolvePath(dir);
      await scope.check(full, 'list');
      try {
        const dirents = await readdir(full, { withFileTypes: true });
        const entries: FileEntry[] = dirents
          // Hidden files clutter a chooser meant for students; a typed path still reaches them.
          .filter((d) => !d.name.startsWith('.') && (d.isFile() || d.isDirectory() || d.isSymbolicLink()))
          .map((d) => ({ name: d.name, path: join(full, d.name), kind: d.isDirectory() ? ('folder' as const) : ('file' as const) }));
        // A symlink may point at a folder; ask once per link rather than guessing.
        for (const [i, d] of dirents.entries()) {
          if (!d.isSymbolicLink()) continue;
          const entry = entries.find((e) => e.name === dirents[i]!.name);
          const target = await stat(join(full, d.name)).catch(() => null);
          if (entry && target?.isDirectory()) entries[entries.indexOf(entry)] = { ...entry, kind: 'folder' };
        }
        entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : 1));
        return { dir: full, entries };
      } catch (err) {
        throw fileError('list', full, err);
      }
    },
  };
}
