/**
 * File access for the UI, which may not touch the disk itself. Every failure becomes an
 * `ApiError` whose message names the path and says what went wrong in plain words.
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ApiError, type FileEntry } from '../api/contract';

/** Graph files are small; a file this large is almost certainly the wrong one. */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EROFS: 'the disk is read-only',
  ENOSPC: 'the disk is full',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the path is too long',
  EBUSY: 'the file is in use',
};

/** "Could not read /x/y.json: no such file or folder" rather than a raw errno and stack. */
export function fileError(action: string, path: string, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  const reason = REASONS[code] ?? (err as Error)?.message ?? String(err);
  return new ApiError(`Could not ${action} ${path}: ${reason}`);
}

export interface FileService {
  /** An absolute path for what the user typed: `~` is the home folder; relative paths start there too. */
  resolvePath(path: string): string;
  read(path: string): Promise<{ path: string; text: string }>;
  /** The same checks as `read`, for binary files; `what` names the file in the size refusal. */
  readBytes(path: string, what?: string): Promise<{ path: string; bytes: Uint8Array }>;
  /** Writes through a temporary file and a rename, so a crash never leaves half a file. */
  write(path: string, text: string): Promise<{ path: string }>;
  list(dir: string): Promise<{ dir: string; entries: FileEntry[] }>;
}

export function createFileService(options: { homeDir?: string } = {}): FileService {
  const home = options.homeDir ?? homedir();
  const resolvePath = (path: string): string => {
    const expanded = path === '~' ? home : path.startsWith('~/') || path.startsWith('~\\') ? join(home, path.slice(2)) : path;
    return isAbsolute(expanded) ? resolve(expanded) : resolve(home, expanded);
  };

  const readBytes = async (path: string, what = 'a graph file may be') => {
    const full = resolvePath(path);
    try {
      const info = await stat(full);
      if (info.isDirectory()) throw new ApiError(`Could not read ${full}: ${REASONS.EISDIR}`);
      if (info.size > MAX_READ_BYTES)
        throw new ApiError(
          `Could not read ${full}: it is ${Math.round(info.size / 1e6)} MB, larger than the ${MAX_READ_BYTES / 1024 / 1024} MB ${what}`,
        );
      return { path: full, bytes: await readFile(full) };
    } catch (err) {
      throw fileError('read', full, err);
    }
  };

  return {
    resolvePath,
    readBytes,
    async read(path) {
      const { path: full, bytes } = await readBytes(path);
      return { path: full, text: bytes.toString('utf8') };
    },
    async write(path, text) {
      const full = resolvePath(path);
      const temporary = `${full}.${process.pid}.${Date.now()}.tmp`;
      try {
        const existing = await stat(full).catch(() => null);
        if (existing?.isDirectory()) throw new ApiError(`Could not save ${full}: ${REASONS.EISDIR}`);
        await mkdir(dirname(full), { recursive: true });
        await writeFile(temporary, text, 'utf8');
        await rename(temporary, full);
        return { path: full };
      } catch (err) {
        throw fileError('save', full, err);
      }
    },
    async list(dir) {
      const full = resolvePath(dir);
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
