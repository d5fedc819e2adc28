/**
 * Hand-set filters for conv2d's `kernel` param: the lecture's image-processing kernels (box,
 * Gaussian, sharpening, Sobel, Laplacian) or the author's own numbers. A preset is one 2-D filter
 * applied to each input channel on its own (a box blur of an RGB image is an RGB image), so the
 * conv has as many filters as input channels and filter c reads channel c only. Convolution here is
 * what TensorFlow and PyTorch compute (cross-correlation: the filter is not flipped), so sobelX is
 * positive where the image gets brighter to the right.
 *
 * @example
 *   presetFilter('box', [3, 3], 1)      // [[1/9, 1/9, 1/9], ×3 rows]
 *   presetFilter('gaussian', [5, 5], 1) // e^(−(x²+y²)/2σ²), scaled to sum to 1
 */

export const KERNEL_PRESETS = ['box', 'gaussian', 'sharpen', 'sobelX', 'sobelY', 'laplacian'] as const;
export type KernelPreset = (typeof KERNEL_PRESETS)[number];
/** A preset's name, or the filter's rows of numbers. */
export type KernelValue = KernelPreset | readonly (readonly number[])[];

/** One line per preset, for the inspector and the docs. */
export const PRESET_DOCS: Readonly<Record<KernelPreset, string>> = {
  box: 'the mean of the K×K patch: every weight 1/K² (averaging = filtering)',
  gaussian: 'e^(−(x²+y²)/2σ²), scaled to sum to 1: weighs nearby pixels more than distant ones',
  sharpen: '2·(the pixel) − (the box mean of its patch): adds back the detail a blur removes',
  sobelX: '[−1 0 1; −2 0 2; −1 0 1]: horizontal change, positive where the image gets brighter to the right',
  sobelY: '[−1 −2 −1; 0 0 0; 1 2 1]: vertical change, positive where the image gets brighter downwards',
  laplacian: '[0 1 0; 1 −4 1; 0 1 0]: the second derivative, large at edges and spots',
};

const FIXED: Partial<Record<KernelPreset, number[][]>> = {
  sobelX: [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ],
  sobelY: [
    [-1, -2, -1],
    [0, 0, 0],
    [1, 2, 1],
  ],
  laplacian: [
    [0, 1, 0],
    [1, -4, 1],
    [0, 1, 0],
  ],
};

export function isKernelPreset(value: unknown): value is KernelPreset {
  return typeof value === 'string' && (KERNEL_PRESETS as readonly string[]).includes(value);
}

/** The largest hand-written filter accepted (a kernel of numbers is typed by a person). */
export const MAX_KERNEL_SIDE = 64;

/** Why `value` is not a kernel (a preset name or rows of finite numbers, all as long), or null. */
export function kernelValueProblem(value: unknown): string | null {
  if (isKernelPreset(value)) return null;
  const presets = KERNEL_PRESETS.map((p) => `"${p}"`).join(', ');
  if (!Array.isArray(value) || value.length === 0)
    return `expected one of ${presets}, or rows of numbers such as [[0, 1, 0], [1, -4, 1], [0, 1, 0]]`;
  const width = Array.isArray(value[0]) ? value[0].length : 0;
  if (width === 0 || !value.every((row) => Array.isArray(row) && row.length === width))
    return 'expected rows of numbers, all of the same length, such as [[0, 1, 0], [1, -4, 1], [0, 1, 0]]';
  if (value.length > MAX_KERNEL_SIDE || width > MAX_KERNEL_SIDE) return `expected at most ${MAX_KERNEL_SIDE}×${MAX_KERNEL_SIDE} numbers`;
  if (!value.every((row: unknown[]) => row.every((n) => typeof n === 'number' && Number.isFinite(n))))
    return 'expected only finite numbers in the kernel';
  return null;
}

/** The size the kernel itself dictates (3×3 for the Sobel and Laplacian filters, the rows for numbers); null: any size. */
export function kernelOwnSize(kernel: KernelValue): [number, number] | null {
  if (typeof kernel !== 'string') return [kernel.length, kernel[0]!.length];
  const fixed = FIXED[kernel];
  return fixed ? [fixed.length, fixed[0]!.length] : null;
}

/** Why `kernel` cannot be a kh×kw filter (in words), or null. */
export function kernelSizeProblem(kernel: KernelValue, [kh, kw]: readonly [number, number]): string | null {
  const own = kernelOwnSize(kernel);
  if (own && (own[0] !== kh || own[1] !== kw)) {
    const what = typeof kernel === 'string' ? `the ${kernel} filter is` : 'the kernel’s numbers are';
    return `${what} ${own[0]}×${own[1]} but kernelSize is ${kh}×${kw}`;
  }
  if (kernel === 'sharpen' && (kh % 2 === 0 || kw % 2 === 0))
    return `sharpen needs an odd kernelSize (a centre pixel to sharpen), got ${kh}×${kw}`;
  return null;
}

/** The filter as kh rows of kw weights. Assumes `kernelSizeProblem` found nothing. */
export function presetFilter(kernel: KernelValue, [kh, kw]: readonly [number, number], sigma: number): number[][] {
  if (typeof kernel !== 'string') return kernel.map((row) => [...row]);
  const fixed = FIXED[kernel];
  if (fixed) return fixed.map((row) => [...row]);
  const grid = (f: (y: number, x: number) => number) => Array.from({ length: kh }, (_, y) => Array.from({ length: kw }, (_, x) => f(y, x)));
  const cy = (kh - 1) / 2;
  const cx = (kw - 1) / 2;
  switch (kernel) {
    case 'box':
      return grid(() => 1 / (kh * kw));
    case 'gaussian': {
      const raw = grid((y, x) => Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * sigma * sigma)));
      const sum = raw.flat().reduce((a, b) => a + b, 0);
      return raw.map((row) => row.map((v) => v / sum));
    }
    case 'sharpen':
      return grid((y, x) => (y === cy && x === cx ? 2 : 0) - 1 / (kh * kw));
    default:
      throw new Error(`no formula for the kernel preset ${kernel}`);
  }
}

/**
 * The conv kernel [kh, kw, channels, channels] (tfjs's HWIO layout, row-major) that applies
 * `filter` to each input channel on its own: filter c reads channel c, every other weight is 0.
 */
export function perChannelKernel(filter: readonly (readonly number[])[], channels: number): number[] {
  const kh = filter.length;
  const kw = filter[0]!.length;
  const values = new Array<number>(kh * kw * channels * channels).fill(0);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++) for (let c = 0; c < channels; c++) values[((y * kw + x) * channels + c) * channels + c] = filter[y]![x]!;
  return values;
}
