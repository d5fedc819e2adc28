/**
 * The embedded segmentation set's scenes: MNIST digits placed on a blank canvas at seeded random
 * positions and scales, with a mask that labels every pixel 0 (background) or 1 + the digit's
 * class. Pure and deterministic: the same digits and seed give the same bytes on every machine
 * (mulberry32 and IEEE arithmetic only). How and why, in ./README.md.
 */
import { mulberry32 } from '../random';

/** A digit pixel belongs to its digit in the mask where its ink is at least this (of 255). */
export const INK_THRESHOLD = 128;

export interface SceneOptions {
  /** Scenes to make. */
  readonly count: number;
  readonly seed: number;
  /** Canvas side in pixels (64). */
  readonly size: number;
  /** Digits per scene, drawn uniformly from min..max (1..3). */
  readonly digits: readonly [min: number, max: number];
  /** A digit's 28×28 box is scaled to a side drawn uniformly from this range, in pixels. */
  readonly scale: readonly [min: number, max: number];
}

export const SCENE_DEFAULTS = { size: 64, digits: [1, 3], scale: [20, 40] } as const;

/** Source digits: `count` 28×28 images back to back, and their labels 0–9. */
export interface SourceDigits {
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly side: number;
}

export interface Scenes {
  /** `count` grey images of size×size, 0–255. */
  readonly images: Uint8Array;
  /** `count` masks of size×size: 0 background, 1 + digit class. */
  readonly masks: Uint8Array;
  /** Per scene, the mask class (1 + digit) of its digit with the most ink pixels: a label for views and classifiers. */
  readonly labels: Uint8Array;
}

/** A square digit resampled to side×side (bilinear, pixel centres aligned), rounded to bytes. */
export function resampleDigit(src: Uint8Array, srcSide: number, side: number): Uint8Array {
  const out = new Uint8Array(side * side);
  const ratio = srcSide / side;
  const at = (r: number, c: number) => (r < 0 || c < 0 || r >= srcSide || c >= srcSide ? 0 : src[r * srcSide + c]!);
  for (let i = 0; i < side; i++) {
    const sy = (i + 0.5) * ratio - 0.5;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let j = 0; j < side; j++) {
      const sx = (j + 0.5) * ratio - 0.5;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      const top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx;
      const bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx;
      out[i * side + j] = Math.round(top * (1 - fy) + bottom * fy);
    }
  }
  return out;
}

const between = (next: () => number, min: number, max: number) => min + Math.floor(next() * (max - min + 1));

/**
 * Makes `count` scenes. Each digit is tried at up to 30 positions; one whose ink would touch a digit
 * already placed is moved, and after 30 tries left out, so masks never have to choose between two
 * digits. A scene has at least one digit (the first always fits on an empty canvas).
 */
export function makeScenes(source: SourceDigits, options: SceneOptions): Scenes {
  const { count, size } = options;
  const next = mulberry32(options.seed);
  const area = size * size;
  const images = new Uint8Array(count * area);
  const masks = new Uint8Array(count * area);
  const labels = new Uint8Array(count);
  const digitArea = source.side * source.side;
  for (let s = 0; s < count; s++) {
    const image = images.subarray(s * area, (s + 1) * area);
    const mask = masks.subarray(s * area, (s + 1) * area);
    const inkCount = new Map<number, number>();
    const wanted = between(next, options.digits[0], options.digits[1]);
    for (let d = 0; d < wanted; d++) {
      const index = Math.floor(next() * source.count);
      const cls = 1 + source.labels[index]!;
      const side = between(next, options.scale[0], Math.min(options.scale[1], size));
      const digit = resampleDigit(source.pixels.subarray(index * digitArea, (index + 1) * digitArea), source.side, side);
      for (let attempt = 0; attempt < 30; attempt++) {
        const top = between(next, 0, size - side);
        const left = between(next, 0, size - side);
        if (!fits(digit, side, mask, size, top, left)) continue;
        let ink = 0;
        for (let i = 0; i < side; i++) {
          for (let j = 0; j < side; j++) {
            const v = digit[i * side + j]!;
            const p = (top + i) * size + left + j;
            if (v > image[p]!) image[p] = v;
            if (v >= INK_THRESHOLD) {
              mask[p] = cls;
              ink++;
            }
          }
        }
        inkCount.set(cls, Math.max(inkCount.get(cls) ?? 0, ink));
        break;
      }
    }
    let best = 0;
    for (const [cls, ink] of inkCount) if (best === 0 || ink > inkCount.get(best)!) best = cls;
    labels[s] = best;
  }
  return { images, masks, labels };
}

/** No ink pixel of the digit, nor its 1-pixel surround, lands on ink already in the mask. */
function fits(digit: Uint8Array, side: number, mask: Uint8Array, size: number, top: number, left: number): boolean {
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      if (digit[i * side + j]! < INK_THRESHOLD) continue;
      for (let di = -1; di <= 1; di++) {
        for (let dj = -1; dj <= 1; dj++) {
          const r = top + i + di;
          const c = left + j + dj;
          if (r >= 0 && c >= 0 && r < size && c < size && mask[r * size + c] !== 0) return false;
        }
      }
    }
  }
  return true;
}
