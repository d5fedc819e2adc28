/** Recently opened or saved graph files, newest first, kept in the data folder across sessions. */
import { join } from 'node:path';
import { readTextBounded, writeFileAtomic } from '../../engine/io';

export const MAX_RECENT = 10;

export interface RecentService {
  list(): Promise<string[]>;
  add(path: string): Promise<string[]>;
  clear(): Promise<void>;
}

export function createRecentService(dataDir: string): RecentService {
  const file = join(dataDir, 'recent.json');
  const load = async (): Promise<string[]> => {
    try {
      const value = JSON.parse(await readTextBounded(file, { maxBytes: 1024 * 1024 })) as unknown;
      return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT) : [];
    } catch {
      // Missing or damaged: the list is a convenience, start afresh.
      return [];
    }
  };
  const store = async (paths: string[]) => {
    await writeFileAtomic(file, JSON.stringify(paths, null, 2));
  };
  return {
    list: load,
    async add(path) {
      const paths = [path, ...(await load()).filter((p) => p !== path)].slice(0, MAX_RECENT);
      await store(paths);
      return paths;
    },
    clear: () => store([]),
  };
}
