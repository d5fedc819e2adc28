/** Recently opened or saved graph files, newest first, kept in the data folder across sessions. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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
      const value = JSON.parse(await readFile(file, 'utf8')) as unknown;
      return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT) : [];
    } catch {
      // Missing or damaged: the list is a convenience, start afresh.
      return [];
    }
  };
  const store = async (paths: string[]) => {
    await mkdir(dataDir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(paths, null, 2));
    await rename(temporary, file);
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
