/**
 * The one way NetCanvas writes a file the user keeps (graphs, exports, checkpoints, recovery
 * copies, the recent list): the bytes go to a temporary file with a unique name beside the
 * target, are flushed to disk, and then replace the target in one rename. A crash, a full disk or
 * a read-only folder leaves the old file as it was and no temporary file behind; two saves at
 * once never collide (each has its own temporary name; the later rename wins whole).
 *
 * An existing target keeps its permission bits (a 0600 file stays 0600), and a symbolic link
 * stays a link: the file it points to is replaced, not the link.
 *
 * @example
 *   await writeFileAtomic('nets/lenet5.json', text);           // creates nets/ if needed
 *   await writeFileAtomic('model.onnx', bytes, { mode: 0o644 }); // mode for a new file
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readlink, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { IoError, ioError } from './errors';

export interface AtomicWriteOptions {
  /** Permission bits for a new file (an existing one keeps its own); default 0o666 less the umask. */
  readonly mode?: number;
  /** Create missing parent folders (default true). */
  readonly createFolders?: boolean;
}

const MAX_LINKS = 40;

/** Where the bytes really go: the final target of a chain of symbolic links (which may not exist yet). */
async function followLinks(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    const info = await lstat(current).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (!info?.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' });
}

/** A name no other writer (another process, or this one concurrently) will pick: hidden, beside the target. */
export function temporaryNameFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes `data` to `path` atomically (see the module comment). Resolves to the path actually
 * written (a link's target); rejects with an IoError whose message is one line for the user.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<string> {
  let target = resolve(path);
  let temporary: string | null = null;
  let handle: FileHandle | null = null;
  try {
    target = await followLinks(path);
    const existing = await stat(target).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (existing?.isDirectory()) throw new IoError('write', target, 'it is a folder, not a file', 'EISDIR');
    if (existing && !existing.isFile()) throw new IoError('write', target, 'it is not a regular file (a device, pipe or socket)');
    if (options.createFolders !== false) await mkdir(dirname(target), { recursive: true });

    temporary = temporaryNameFor(target);
    // 'wx': fail rather than share a file, should the unique name ever exist.
    handle = await open(temporary, 'wx', existing ? 0o600 : (options.mode ?? 0o666));
    await handle.writeFile(data);
    // open()'s mode passes through the umask; an existing file's bits are restored exactly.
    if (existing) await handle.chmod(existing.mode & 0o7777);
    await handle.sync();
    await handle.close();
    handle = null;
    await rename(temporary, target);
    temporary = null;
    await syncFolder(dirname(target));
    return target;
  } catch (err) {
    throw ioError('write', target, err);
  } finally {
    await handle?.close().catch(() => undefined);
    if (temporary) await unlink(temporary).catch(() => undefined);
  }
}

/** Makes the rename itself durable (POSIX); folders cannot be opened this way on Windows. */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const dir = await open(folder, 'r').catch(() => null);
  if (!dir) return;
  await dir.sync().catch(() => undefined);
  await dir.close().catch(() => undefined);
}
