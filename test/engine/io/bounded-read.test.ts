import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pngjs from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkImageSize, gunzipBounded, IoError, readFileBounded, readImageHeader, readTextBounded } from '../../../engine/io';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-bounded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readFileBounded', () => {
  it('reads a regular file whole', async () => {
    writeFileSync(join(dir, 'a.txt'), 'hello');
    expect((await readFileBounded(join(dir, 'a.txt'), { maxBytes: 100 })).toString()).toBe('hello');
  });

  it('refuses devices before reading a byte: /dev/zero, /dev/urandom', async () => {
    for (const device of ['/dev/zero', '/dev/urandom']) {
      const err = await readFileBounded(device, { maxBytes: 64 * 1024 * 1024 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IoError);
      expect((err as Error).message).toBe(`cannot read ${device}: it is not a regular file (a device, pipe or socket); choose a file`);
    }
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    await expect(readFileBounded(fifo, { maxBytes: 1000 })).rejects.toThrow(/not a regular file/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('enforces the cap while reading, where the size on disk says 0 (/proc)', async () => {
    const err = await readFileBounded('/proc/self/maps', { maxBytes: 64, what: 'a graph file may be' }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('cannot read /proc/self/maps: it is larger than the 64 bytes a graph file may be');
  });

  it('refuses a file larger than the cap from its size, and says how large it is', async () => {
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(3 * 1024 * 1024));
    await expect(readFileBounded(join(dir, 'big.bin'), { maxBytes: 1024 * 1024, what: 'a graph file may be' })).rejects.toThrow(
      /: it is 3 MiB, larger than the 1 MiB a graph file may be$/,
    );
  });

  it('names a missing file and a folder in words', async () => {
    await expect(readFileBounded(join(dir, 'nope.json'), { maxBytes: 10 })).rejects.toThrow(/nope\.json: no such file or folder$/);
    await expect(readFileBounded(dir, { maxBytes: 10 })).rejects.toThrow(/it is a folder, not a file$/);
  });

  it('drops a UTF-8 byte-order mark from text', async () => {
    writeFileSync(join(dir, 'bom.json'), '\uFEFF{"a":1}');
    expect(await readTextBounded(join(dir, 'bom.json'), { maxBytes: 100 })).toBe('{"a":1}');
  });
});

describe('gunzipBounded', () => {
  it('inflates within the cap', async () => {
    const out = await gunzipBounded(gzipSync(Buffer.alloc(1000, 7)), 'x.gz', 2000);
    expect(out.length).toBe(1000);
  });

  it('refuses a bomb from its trailer before inflating', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    await expect(gunzipBounded(bomb, 'bomb.gz', 1024 * 1024)).rejects.toThrow(
      'cannot decompress bomb.gz: it inflates to more than 1 MiB, the most NetCanvas unpacks from one file',
    );
  });

  it('refuses a bomb whose trailer lies, while inflating', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    bomb.writeUInt32LE(10, bomb.length - 4);
    await expect(gunzipBounded(bomb, 'liar.gz', 1024 * 1024)).rejects.toThrow(/inflates to more than 1 MiB/);
  });

  it('says truncated and corrupt apart', async () => {
    const good = gzipSync(Buffer.alloc(1000, 3));
    await expect(gunzipBounded(good.subarray(0, 12), 't.gz', 1e6)).rejects.toThrow(/the gzip data is truncated/);
    const bad = Buffer.from(good);
    bad.fill(0xff, 10, 20);
    await expect(gunzipBounded(bad, 'c.gz', 1e6)).rejects.toThrow(/the gzip data is corrupt/);
  });
});

describe('image headers', () => {
  it('reads PNG and JPEG sizes without decoding', () => {
    const png = new pngjs.PNG({ width: 7, height: 5 });
    expect(readImageHeader(pngjs.PNG.sync.write(png))).toEqual({ format: 'png', width: 7, height: 5 });
    // A baseline JPEG header: SOI, APP0 (16 bytes), SOF0 with height 300 and width 200.
    const jpeg = Buffer.from([
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xc0,
      0x00, 0x11, 0x08, 0x01, 0x2c, 0x00, 0xc8, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
    ]);
    expect(readImageHeader(jpeg)).toEqual({ format: 'jpeg', width: 200, height: 300 });
  });

  it('refuses a 20000×20000 PNG from its header', () => {
    const header = pngjs.PNG.sync.write(new pngjs.PNG({ width: 1, height: 1 }));
    header.writeUInt32BE(20000, 16);
    header.writeUInt32BE(20000, 20);
    expect(() => checkImageSize(header, 'huge.png')).toThrow(
      'cannot decode huge.png: the image is 20000×20000 pixels, more than the 4096×4096 NetCanvas decodes; resize it first',
    );
  });
});
