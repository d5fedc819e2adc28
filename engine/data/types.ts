/**
 * What a loaded dataset is: plain typed arrays, no tensors, so loading and checking stay pure
 * Node and the trainer decides when to build tensors. Import only types from here in the renderer.
 */

/** One split of samples. `x` holds `count` samples back to back, each `prod(shape)` floats, channels-last ([H, W, C]). */
export interface Split {
  x: Float32Array;
  /** Class index per sample, 0 ≤ y < numClasses (0 throughout for a dataset whose samples have no label: `unlabelled`). */
  y: Int32Array;
  count: number;
  /** Segmentation datasets: a class id per pixel, `count` masks of `Dataset.masks.shape` back to back. */
  masks?: Uint8Array;
}

/** What a segmentation dataset's masks are: their size and classes (the dataset's `classNames`). */
export interface MaskInfo {
  /** [H, W]: the samples' height and width. */
  shape: [number, number];
}

/** How `x` was scaled, so a viewer can turn samples back into 0–255 pixels (x·scale + offset, per channel). */
export type Normalization = { kind: 'unit' } | { kind: 'standard'; mean: number[]; std: number[] };

export interface Dataset {
  /** Short human name, e.g. "MNIST (embedded subset)" or the folder's name. */
  name: string;
  /** The spec it was loaded from (`embedded:mnist`, a path). */
  source: string;
  /** One sample's shape without the batch axis: [H, W, C] for images, [features] for CSV. */
  shape: number[];
  numClasses: number;
  classNames: string[];
  train: Split;
  test: Split | null;
  licence?: string;
  normalization?: Normalization;
  /** Present when every sample has a mask (`Split.masks`): the dataset can train segmentation; its classes are the masks'. */
  masks?: MaskInfo;
  /** The samples carry no class of their own (a folder of images and masks): classification cannot train on it. */
  unlabelled?: boolean;
}

/**
 * A problem with the user's data. The message names the file and the problem and is meant to be
 * shown as is (one line, no stack trace); anything else thrown while loading is a bug.
 */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

export interface LoadOptions {
  /** Keep only the first N samples of each split (quick runs and tests). */
  limit?: number;
  /** Keep only the first N test samples; defaults to `limit`. */
  testLimit?: number;
  /**
   * 'unit' (default): images divided by 255, CSV features min–max scaled to [0, 1] on train.
   * 'standard': then per-channel mean 0 / std 1, with statistics computed on train only.
   */
  normalization?: 'unit' | 'standard';
  /** CSV only: the label column by header name or 0-based index (default: a column named `label`, else the last). */
  labelColumn?: string | number;
  /** Where `embedded:` datasets live; defaults to the repository's datasets/ folder. */
  datasetsDir?: string;
  /** The most bytes one file may hold or inflate to (default 1 GiB); the hosts' sample previews use less. */
  maxFileBytes?: number;
  /** Where generated datasets (`embedded:mnist-segmentation`) are kept; defaults to `defaultCacheDir()`. */
  cacheDir?: string;
}

/** Floats per sample. */
export function sampleSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
