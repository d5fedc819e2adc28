/**
 * A feature map as a picture (RGBA pixels), the same for the CLI's PNGs and the app's view: a
 * spatial map is one tile per channel in a grid, all on one colour scale (min … max of the whole
 * map, so channels compare); a vector is one bar per unit. The scale: black → white when the
 * values are all ≥ 0 (after a ReLU), blue ← white → red around 0 when they have both signs.
 *
 * @example
 *   const { width, height, rgba } = mapPicture(map, { scale: 4 }); // 6 channels of 24×24 → 3×2 tiles
 */
import type { FeatureMap } from './featureMaps';

export type Rgb = readonly [number, number, number];

/** The colour of `v` on the map's scale. */
export function scaleColour(v: number, min: number, max: number): Rgb {
  if (min < 0 && max > 0) {
    const m = Math.max(-min, max);
    const t = Math.max(-1, Math.min(1, v / m));
    const fade = Math.round(255 * (1 - Math.abs(t)));
    return t < 0 ? [fade, fade, 255] : [255, fade, fade];
  }
  const span = max - min || 1;
  const g = Math.round(255 * Math.max(0, Math.min(1, (v - min) / span)));
  return [g, g, g];
}

/** Channels per row of the grid: near-square, wider than tall. */
export const gridColumns = (channels: number) => Math.ceil(Math.sqrt(channels));

export interface Picture {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

/**
 * Spatial maps: tiles of H×W pixels each enlarged `scale` times, 1-pixel grey gaps. Vectors: one
 * bar per unit, `scale` pixels wide, up from the zero line (down for negative values).
 */
export function mapPicture(map: FeatureMap, options: { scale?: number } = {}): Picture {
  const scale = Math.max(1, Math.floor(options.scale ?? 4));
  if (map.shape.length === 3) {
    const [h, w, c] = map.shape as [number, number, number];
    const cols = gridColumns(c);
    const rows = Math.ceil(c / cols);
    const width = cols * (w * scale + 1) + 1;
    const height = rows * (h * scale + 1) + 1;
    const rgba = new Uint8Array(width * height * 4).fill(160);
    for (let ch = 0; ch < c; ch++) {
      const ox = (ch % cols) * (w * scale + 1) + 1;
      const oy = Math.floor(ch / cols) * (h * scale + 1) + 1;
      for (let y = 0; y < h * scale; y++)
        for (let x = 0; x < w * scale; x++) {
          const v = map.values[(Math.floor(y / scale) * w + Math.floor(x / scale)) * c + ch]!;
          const [r, g, b] = scaleColour(v, map.min, map.max);
          const p = ((oy + y) * width + ox + x) * 4;
          rgba[p] = r;
          rgba[p + 1] = g;
          rgba[p + 2] = b;
        }
    }
    for (let p = 3; p < rgba.length; p += 4) rgba[p] = 255;
    return { width, height, rgba };
  }
  const n = map.values.length;
  const width = n * scale + 2;
  const height = 64;
  const rgba = new Uint8Array(width * height * 4).fill(255);
  const top = Math.max(map.max, 0);
  const bottom = Math.min(map.min, 0);
  const span = top - bottom || 1;
  const zero = Math.round(((top - 0) / span) * (height - 1));
  for (let i = 0; i < n; i++) {
    const v = map.values[i]!;
    const y1 = Math.round(((top - v) / span) * (height - 1));
    const [from, to] = y1 < zero ? [y1, zero] : [zero, y1];
    for (let y = from; y <= to; y++)
      for (let x = 1 + i * scale; x < 1 + (i + 1) * scale - (scale > 2 ? 1 : 0); x++) {
        const p = (y * width + x) * 4;
        rgba[p] = v < 0 ? 59 : 220;
        rgba[p + 1] = v < 0 ? 130 : 38;
        rgba[p + 2] = v < 0 ? 246 : 38;
      }
  }
  return { width, height, rgba };
}
