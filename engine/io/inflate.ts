/**
 * Gzip and image headers are read before anything is inflated or decoded, so a 5 MB gzip bomb or
 * a 20000×20000 PNG is refused from its header instead of filling memory. Inflating runs in
 * zlib's thread pool (never on the event loop) with a hard output cap, because a gzip trailer's
 * size can lie.
 */
import { gunzip } from 'node:zlib';
import { IoError, formatBytes } from './errors';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The uncompressed size the gzip trailer declares (modulo 4 GiB, as the format stores it). */
export function gzipDeclaredSize(bytes: Uint8Array): number {
  if (bytes.length < 18) return 0;
  const at = bytes.length - 4;
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)) + bytes[at + 3]! * 2 ** 24;
}

/** Deflate cannot shrink data more than 1032:1; a trailer claiming more belongs to a damaged (e.g. truncated) file. */
const MAX_DEFLATE_RATIO = 1032;

/** Gunzips `bytes`, refusing output over `maxBytes` (checked against the trailer first, then while inflating). */
export function gunzipBounded(bytes: Uint8Array, path: string, maxBytes: number): Promise<Buffer> {
  const tooBig = () =>
    new IoError('decompress', path, `it inflates to more than ${formatBytes(maxBytes)}, the most NetCanvas unpacks from one file`);
  const declared = gzipDeclaredSize(bytes);
  // A trailer that could be true and is over the cap: refused without inflating a byte. One that
  // cannot be true is not trusted either way; inflating (capped) then says what is wrong.
  if (declared > maxBytes && declared <= bytes.length * MAX_DEFLATE_RATIO) return Promise.reject(tooBig());
  return new Promise((resolve, reject) => {
    gunzip(bytes, { maxOutputLength: maxBytes }, (err, out) => {
      if (!err) return resolve(out);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') return reject(tooBig());
      const why = code === 'Z_BUF_ERROR' ? 'the gzip data is truncated' : 'the gzip data is corrupt';
      reject(new IoError('decompress', path, why, code ?? ''));
    });
  });
}

/** Pixels one decoded image may have: 4096×4096 (64 MiB as RGBA). Dataset images are far smaller. */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

export interface ImageHeader {
  readonly format: 'png' | 'jpeg';
  readonly width: number;
  readonly height: number;
}

/** Width and height from a PNG's IHDR or a JPEG's frame header, without decoding; null when neither is found. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && view.getUint32(0) === 0x89504e47 && view.getUint32(12) === 0x49484452) {
    return { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  // Walk the JPEG's segments to the first start-of-frame (SOF0–SOF15 except DHT, JPG and DAC).
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = view.getUint16(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { format: 'jpeg', height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    if (length < 2) return null;
    at += 2 + length;
  }
  return null;
}

/** Refuses an image whose header promises more than `maxPixels` (or no size at all) before it is decoded. */
export function checkImageSize(bytes: Uint8Array, path: string, maxPixels = MAX_IMAGE_PIXELS): ImageHeader | null {
  const header = readImageHeader(bytes);
  if (header && header.width * header.height > maxPixels) {
    throw new IoError(
      'decode',
      path,
      `the image is ${header.width}×${header.height} pixels, more than the ${Math.sqrt(maxPixels)}×${Math.sqrt(maxPixels)} NetCanvas decodes; resize it first`,
    );
  }
  return header;
}
