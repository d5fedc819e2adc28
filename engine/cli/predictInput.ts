/**
 * Inputs for `netcanvas predict`: an image (PNG/JPEG, converted to the graph's input size and
 * channels, scaled to [0, 1] like the 'unit' training data) or a CSV of feature rows.
 */
import { extname } from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { checkImageSize, DATASET_FILE_MAX_BYTES, IMAGE_FILE_MAX_BYTES, readFileBounded } from '../io';
import { CliError } from './io';

export interface PredictInput {
  readonly x: Float32Array;
  readonly count: number;
  /** What each sample is called in the output: the file, or "row N". */
  readonly names: string[];
}

function decodeImage(path: string, bytes: Buffer): { width: number; height: number; rgba: Uint8Array } {
  checkImageSize(bytes, path);
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50) {
      const png = pngjs.PNG.sync.read(bytes);
      return { width: png.width, height: png.height, rgba: png.data };
    }
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
      return { width: img.width, height: img.height, rgba: img.data };
    }
  } catch (err) {
    throw new CliError(`${path}: the image could not be decoded (${(err as Error).message})`);
  }
  throw new CliError(`${path}: not a PNG or JPEG image`);
}

/** Nearest-neighbour resize to the input's H×W, then grey (mean of RGB) or RGB. */
async function imageToInput(path: string, shape: readonly number[]): Promise<PredictInput> {
  if (shape.length !== 3 || (shape[2] !== 1 && shape[2] !== 3)) {
    throw new CliError(`${path}: the graph's input is ${shape.join('×')}, which an image cannot fill (it needs H×W×1 or H×W×3)`);
  }
  const [h, w, c] = shape as [number, number, number];
  const img = decodeImage(path, await readFileBounded(path, { maxBytes: IMAGE_FILE_MAX_BYTES, what: 'an image may be' }));
  const x = new Float32Array(h * w * c);
  for (let i = 0; i < h; i++) {
    const sy = Math.min(img.height - 1, Math.floor(((i + 0.5) * img.height) / h));
    for (let j = 0; j < w; j++) {
      const sx = Math.min(img.width - 1, Math.floor(((j + 0.5) * img.width) / w));
      const p = 4 * (sy * img.width + sx);
      const rgb = [img.rgba[p]!, img.rgba[p + 1]!, img.rgba[p + 2]!];
      if (c === 1) x[i * w + j] = (rgb[0]! + rgb[1]! + rgb[2]!) / 3 / 255;
      else for (let k = 0; k < 3; k++) x[(i * w + j) * 3 + k] = rgb[k]! / 255;
    }
  }
  return { x, count: 1, names: [path] };
}

async function csvToInput(path: string, shape: readonly number[]): Promise<PredictInput> {
  const features = shape.reduce((a, b) => a * b, 1);
  const lines = (await readFileBounded(path, { maxBytes: DATASET_FILE_MAX_BYTES, what: 'a CSV file may be' }))
    .toString('utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const rows: number[][] = [];
  const names: string[] = [];
  lines.forEach((line, i) => {
    const cells = line.split(',').map((c) => c.trim());
    const values = cells.map(Number);
    if (i === 0 && values.some((v) => Number.isNaN(v))) return; // a header row
    if (values.length !== features)
      throw new CliError(
        `${path} line ${i + 1}: expected ${features} numbers (the graph's input is ${shape.join('×')}), got ${values.length}`,
      );
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new CliError(`${path} line ${i + 1}, column ${bad + 1}: "${cells[bad]}" is not a number`);
    rows.push(values);
    names.push(`row ${i + 1}`);
  });
  if (rows.length === 0) throw new CliError(`${path}: no rows of numbers to predict`);
  const x = new Float32Array(rows.length * features);
  rows.forEach((r, k) => x.set(r, k * features));
  return { x, count: rows.length, names };
}

export function readPredictInput(path: string, shape: readonly number[]): Promise<PredictInput> {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return csvToInput(path, shape);
  if (ext === '.png' || ext === '.jpg' || ext === '.jpeg') return imageToInput(path, shape);
  throw new CliError(`${path}: --input must be a PNG or JPEG image or a .csv file of feature rows`);
}
