/**
 * One sample image from a dataset, so the receptive-field view can draw a real digit (or photo)
 * under the field before any training run, with the dataset's shape and classes, which the
 * checker holds the graph against. Loads only the first sample and keeps it per source.
 */
import { sampleBytes } from '../../engine/data/pixels';
import { loadDataset } from '../../engine/data/load';
import { ApiError, type DatasetSample } from '../api/contract';

export interface SampleService {
  sample(source: string): Promise<DatasetSample>;
}

const KEEP = 16;

export function createSampleService(options: { datasetsDir?: string } = {}): SampleService {
  const cache = new Map<string, Promise<DatasetSample>>();

  async function load(source: string): Promise<DatasetSample> {
    try {
      const ds = await loadDataset(source, {
        limit: 1,
        testLimit: 1,
        ...(options.datasetsDir ? { datasetsDir: options.datasetsDir } : {}),
      });
      // The test split when there is one: the digits the run's results are about.
      const split = ds.test && ds.test.count > 0 ? ds.test : ds.train;
      const label = split.y[0]!;
      return {
        pixels: sampleBytes(split, ds.shape, 0, ds.normalization),
        shape: [...ds.shape],
        label,
        className: ds.classNames[label] ?? String(label),
        name: ds.name,
        classes: ds.numClasses,
        classNames: [...ds.classNames],
      };
    } catch (err) {
      // The loader's messages usually start with the source already; say it once.
      const why = err instanceof Error ? err.message : String(err);
      throw new ApiError(`No sample image from ${why.startsWith(`${source}: `) ? why : `${source}: ${why}`}`);
    }
  }

  return {
    sample(source) {
      let pending = cache.get(source);
      if (!pending) {
        pending = load(source);
        // A failure is not kept: the file may be fixed and asked for again.
        pending.catch(() => cache.delete(source));
        if (cache.size >= KEEP) cache.delete(cache.keys().next().value!);
        cache.set(source, pending);
      }
      return pending;
    },
  };
}
