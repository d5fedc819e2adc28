/** Small dataset files written on the fly, so each bad-data case is a few bytes in a temp folder. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { afterAll } from 'vitest';

/** A fresh temp folder, removed after the test file's tests. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netcanvas-data-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function write(path: string, bytes: Uint8Array | string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

/** IDX images file: `count` images of rows×cols, pixel value = f(image, index within image). */
export function idxImages(
  count: number,
  rows: number,
  cols: number,
  f = (n: number, p: number) => (n * 7 + p) % 256,
  magic = 2051,
): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(rows, 8);
  header.writeUInt32BE(cols, 12);
  const body = Buffer.alloc(count * rows * cols);
  for (let n = 0; n < count; n++) for (let p = 0; p < rows * cols; p++) body[n * rows * cols + p] = f(n, p);
  return Buffer.concat([header, body]);
}

export function idxLabels(labels: number[], magic = 2049): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(labels.length, 4);
  return Buffer.concat([header, Buffer.from(labels)]);
}

/** A CIFAR-10 batch: record n has label labels[n] and channel c of pixel p = (n + 3p + 50c) mod 256. */
export function cifarBatch(labels: number[]): Buffer {
  const out = Buffer.alloc(labels.length * 3073);
  labels.forEach((label, n) => {
    out[n * 3073] = label;
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) out[n * 3073 + 1 + c * 1024 + p] = cifarPixel(n, p, c);
  });
  return out;
}

export const cifarPixel = (n: number, p: number, c: number) => (n + 3 * p + 50 * c) % 256;

/** A PNG whose pixel (x, y) has colour `rgb(x, y)`. */
export function png(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const img = new pngjs.PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      const o = (y * width + x) * 4;
      img.data[o] = r;
      img.data[o + 1] = g;
      img.data[o + 2] = b;
      img.data[o + 3] = 255;
    }
  }
  return pngjs.PNG.sync.write(img);
}

/** A JPEG (quality 95) with colour `rgb(x, y)`; lossy, so compare its pixels with a tolerance. */
export function jpg(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return jpeg.encode({ width, height, data }, 95).data;
}
