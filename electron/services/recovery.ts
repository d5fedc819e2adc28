/**
 * Crash recovery: the UI saves its unsaved document here every few seconds; at start the host
 * offers it back. One file per host kind in the data folder, written atomically so a crash while
 * saving leaves the previous copy intact.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { IoError, plainReason, readTextBounded, writeFileAtomic } from '../../engine/io';
import { ApiError } from '../api/contract';
import { MAX_READ_BYTES } from './files';

export interface RecoveryRecord {
  readonly text: string;
  readonly path: string | null;
  readonly savedAt: string;
}

export interface RecoveryService {
  readonly file: string;
  save(text: string, path: string | null): Promise<{ saved: boolean }>;
  load(): Promise<RecoveryRecord | null>;
  clear(): Promise<{ cleared: boolean }>;
}

export function createRecoveryService(dataDir: string, options: { fileName?: string; clock?: () => Date } = {}): RecoveryService {
  const file = join(dataDir, options.fileName ?? 'recovery.json');
  const clock = options.clock ?? (() => new Date());
  return {
    file,
    async save(text, path) {
      const record: RecoveryRecord = { text, path, savedAt: clock().toISOString() };
      try {
        await writeFileAtomic(file, JSON.stringify(record));
      } catch (err) {
        throw new ApiError(`Could not save the recovery copy to ${file}: ${err instanceof IoError ? err.reason : plainReason(err)}`);
      }
      return { saved: true };
    },
    async load() {
      let raw: string;
      try {
        // A document's JSON, escaped once more inside the record: allow twice a graph file's size.
        raw = await readTextBounded(file, { maxBytes: 2 * MAX_READ_BYTES });
      } catch {
        return null;
      }
      try {
        const value = JSON.parse(raw) as Partial<RecoveryRecord>;
        if (typeof value.text !== 'string' || typeof value.savedAt !== 'string') return null;
        return { text: value.text, path: typeof value.path === 'string' ? value.path : null, savedAt: value.savedAt };
      } catch {
        // A damaged recovery file has nothing to offer.
        return null;
      }
    },
    async clear() {
      try {
        await rm(file);
        return { cleared: true };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { cleared: false };
        throw new ApiError(`Could not remove the recovery copy ${file}: ${plainReason(err)}`);
      }
    },
  };
}
