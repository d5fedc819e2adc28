import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IoError, writeFileAtomic } from '../../../engine/io';
import { mountTinyDisk, TINY_DISK_SKIP } from '../../helpers/tinyDisk';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-atomic-'));
const leftovers = (folder: string) => readdirSync(folder).filter((n) => n.endsWith('.tmp'));

describe('writeFileAtomic', () => {
  it('creates the file and its folders, and leaves no temporary file', async () => {
    const path = join(dir, 'new', 'deeper', 'net.json');
    expect(await writeFileAtomic(path, '{"a":1}')).toBe(path);
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}');
    expect(leftovers(join(dir, 'new', 'deeper'))).toEqual([]);
  });

  it("keeps an existing file's mode (0600 stays 0600)", async () => {
    const path = join(dir, 'private.json');
    writeFileSync(path, 'old');
    chmodSync(path, 0o600);
    await writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('writes through a symbolic link and keeps the link', async () => {
    const real = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    writeFileSync(real, 'old');
    symlinkSync(real, link);
    expect(await writeFileAtomic(link, 'new')).toBe(real);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, 'utf8')).toBe('new');
  });

  it('lets 200 concurrent saves of one file all succeed, the file whole, nothing left behind', async () => {
    const path = join(dir, 'busy.json');
    const texts = Array.from({ length: 200 }, (_, i) => JSON.stringify({ writer: i, pad: 'x'.repeat(5000 + i) }));
    const results = await Promise.allSettled(texts.map((t) => writeFileAtomic(path, t)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(texts).toContain(readFileSync(path, 'utf8'));
    expect(leftovers(dir)).toEqual([]);
  });

  it('says a part of the path is a file instead of a raw EEXIST from mkdir', async () => {
    writeFileSync(join(dir, 'plain'), 'x');
    const err = await writeFileAtomic(join(dir, 'plain', 'sub', 'net.json'), 'y').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IoError);
    expect((err as Error).message).toMatch(/^cannot write .*net\.json: a part of the path is a file, not a folder$/);
  });

  it('refuses to replace a folder, and a device', async () => {
    mkdirSync(join(dir, 'folder.json'));
    await expect(writeFileAtomic(join(dir, 'folder.json'), 'x')).rejects.toThrow(/it is a folder, not a file/);
    await expect(writeFileAtomic('/dev/null', 'x')).rejects.toThrow(/not a regular file/);
  });

  it('on a full disk keeps the old file intact and removes its temporary file', async (ctx) => {
    const disk = mountTinyDisk(64 * 1024);
    if (!disk) return ctx.skip(TINY_DISK_SKIP);
    try {
      const path = join(disk.dir, 'net.json');
      writeFileSync(path, 'the good version');
      const err = await writeFileAtomic(path, Buffer.alloc(256 * 1024, 65)).catch((e: unknown) => e);
      expect((err as Error).message).toBe(`cannot write ${path}: the disk is full`);
      expect(readFileSync(path, 'utf8')).toBe('the good version');
      expect(leftovers(disk.dir)).toEqual([]);
    } finally {
      disk.unmount();
    }
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
