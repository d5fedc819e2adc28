/**
 * File-system failures in plain words. Every reader and writer in the CLI, the hosts and the
 * trainer reports through `IoError`, whose message names the path and says what went wrong
 * ("cannot write /x/net.json: the disk is full"), never a raw errno or a stack.
 */

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a part of the path is a file, not a folder',
  EROFS: 'the disk is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is too large for this disk',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENAMETOOLONG: 'the path is too long',
  EBUSY: 'the file is in use',
  ELOOP: 'the path has too many symbolic links (a loop?)',
  EIO: 'the disk reported an input/output error',
  EAGAIN: 'the file is not ready to be read (a pipe or device?)',
  ENXIO: 'there is no such device',
  EINVAL: 'the path is not valid here',
};

/** Plain words for an OS error code, or the error's own message when the code is unknown. */
export function plainReason(err: unknown): string {
  if (err instanceof IoError) return err.reason;
  const code = (err as NodeJS.ErrnoException | null)?.code ?? '';
  return REASONS[code] ?? firstLine((err as Error | null)?.message ?? String(err));
}

const firstLine = (text: string) => text.split('\n')[0]!.trim();

/** A read or write that failed; `message` is one line for the user, `code` the OS code when there was one. */
export class IoError extends Error {
  constructor(
    readonly action: string,
    readonly path: string,
    readonly reason: string,
    readonly code: string = '',
  ) {
    super(`cannot ${action} ${path}: ${reason}`);
    this.name = 'IoError';
  }
}

/** Wraps any failure as an IoError for `action` on `path` ("read", "write", "list"); IoErrors pass through. */
export function ioError(action: string, path: string, err: unknown): IoError {
  if (err instanceof IoError) return err;
  return new IoError(action, path, plainReason(err), (err as NodeJS.ErrnoException | null)?.code ?? '');
}

/** "64 MiB", "1.5 GiB", "300 bytes": sizes in messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
