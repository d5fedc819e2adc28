/**
 * Datasets shipped inside the app (`embedded:<name>`), so a first training run needs no download.
 * The files live in the repository's datasets/ folder; a packaged app points NETCANVAS_DATASETS
 * (or the `datasetsDir` option) at wherever it copied them.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ownValue } from '../graph/records';
import { defaultCacheDir } from './cache';
import { loadIdxDir } from './idx';
import { ensureSegmentationSet } from './segmentation/generate';
import { DatasetError, type Dataset } from './types';

interface Embedded {
  /** The folder under the datasets folder; or, for a generated set, where it is made (given the datasets and cache folders). */
  folder: string | ((datasetsDir: string, cacheDir: string) => Promise<string>);
  name: string;
  licence: string;
}

const MNIST_LICENCE = 'MNIST by Yann LeCun, Corinna Cortes and Christopher J. C. Burges, CC BY-SA 3.0';

const EMBEDDED: Record<string, Embedded> = {
  mnist: {
    folder: 'mnist',
    name: 'MNIST (embedded subset)',
    licence: `${MNIST_LICENCE} (first 10,000 training and 2,000 test digits)`,
  },
  'mnist-segmentation': {
    folder: (datasetsDir, cacheDir) => ensureSegmentationSet(join(datasetsDir, 'mnist'), cacheDir),
    name: 'MNIST segmentation (generated)',
    licence: `${MNIST_LICENCE} (digits of the embedded subset placed on 64×64 canvases)`,
  },
};

export const EMBEDDED_NAMES = Object.keys(EMBEDDED);

export function defaultDatasetsDir(): string {
  const fromEnv = process.env['NETCANVAS_DATASETS'];
  if (fromEnv) return fromEnv;
  // engine/data/embedded.ts → <repo>/datasets. A CommonJS bundle has no import.meta.url; it runs
  // from the app folder, so fall back to ./datasets there.
  try {
    return fileURLToPath(new URL('../../datasets', import.meta.url));
  } catch {
    return join(process.cwd(), 'datasets');
  }
}

/**
 * The folder that holds `embedded:<name>` (a generated set is made first, in the cache folder), or
 * null when no embedded set has that name. The PyTorch runner hands this folder to the script.
 */
export async function embeddedFolder(name: string, opts: { datasetsDir?: string; cacheDir?: string } = {}): Promise<string | null> {
  const entry = ownValue(EMBEDDED, name);
  if (!entry) return null;
  const datasetsDir = opts.datasetsDir ?? defaultDatasetsDir();
  return typeof entry.folder === 'string' ? join(datasetsDir, entry.folder) : entry.folder(datasetsDir, opts.cacheDir ?? defaultCacheDir());
}

/** `embedded:mnist` and friends. */
export async function loadEmbedded(
  name: string,
  source: string,
  opts: { limit?: number; testLimit?: number; datasetsDir?: string; maxFileBytes?: number; cacheDir?: string } = {},
): Promise<Dataset> {
  const entry = ownValue(EMBEDDED, name);
  if (!entry)
    throw new DatasetError(
      `${source}: no embedded dataset called "${name}" (available: ${EMBEDDED_NAMES.map((n) => `embedded:${n}`).join(', ')})`,
    );
  const dir = (await embeddedFolder(name, opts))!;
  const ds = await loadIdxDir(dir, source, opts);
  return { ...ds, name: entry.name, licence: entry.licence };
}
