/**
 * The hosts' reads and writes go through the one bounded reader and the one atomic writer:
 * concurrent saves never collide, a failed save leaves the old file and no temporary file, a
 * save keeps the file's mode and a symbolic link, devices and pipes are refused at once.
 */
import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleRequest } from '../../electron/services/dispatcher';
import type { EventSink, Services } from '../../electron/services/types';
import { testServices } from '../helpers/services';
import { mountTinyDisk, TINY_DISK_SKIP } from '../helpers/tinyDisk';

const sink: EventSink = { send: () => {} };
let dir: string;
let services: Services;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netcanvas-services-io-'));
  services = testServices(dir);
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const call = (name: string, args: unknown) => handleRequest(services, name, args, sink);
const temporaries = async (folder: string) => (await readdir(folder)).filter((n) => n.endsWith('.tmp'));

describe('host writes', () => {
  it('200 concurrent recovery saves and 100 concurrent file writes all succeed', async () => {
    const saves = await Promise.all(Array.from({ length: 200 }, (_, i) => call('recovery.save', { text: `{"n":${i}}`, path: null })));
    expect(saves.filter((r) => !r.ok)).toEqual([]);
    const path = join(dir, 'busy.json');
    await services.scope.grant(path, 'file', 'host');
    const writes = await Promise.all(Array.from({ length: 100 }, (_, i) => call('file.write', { path, text: `{"n":${i}}` })));
    expect(writes.filter((r) => !r.ok)).toEqual([]);
    expect(JSON.parse(await readFile(path, 'utf8')).n).toBeGreaterThanOrEqual(0);
    expect(await temporaries(dir)).toEqual([]);
    expect(await temporaries(join(dir, 'data'))).toEqual([]);
  });

  it("keeps a file's mode and a symbolic link", async () => {
    const real = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    await writeFile(real, '{}');
    await chmod(real, 0o600);
    await symlink(real, link);
    await services.scope.grant(real, 'file', 'host');
    await services.scope.grant(link, 'file', 'host');
    expect(await call('file.write', { path: link, text: '{"saved":true}' })).toEqual({ ok: true, result: { path: link } });
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(real);
    expect(await readFile(real, 'utf8')).toBe('{"saved":true}');
    expect((await stat(real)).mode & 0o777).toBe(0o600);
  });

  it('says a part of the path is a file, in words', async () => {
    await writeFile(join(dir, 'plain'), 'x');
    await services.scope.grant(join(dir, 'plain', 'net.json'), 'file', 'host');
    expect(await call('file.write', { path: join(dir, 'plain', 'net.json'), text: '{}' })).toEqual({
      ok: false,
      error: `Could not save ${join(dir, 'plain', 'net.json')}: a part of the path is a file, not a folder`,
    });
  });

  it('a save that fails on a full disk keeps the old file and leaves no temporary file', async (ctx) => {
    const disk = mountTinyDisk(64 * 1024);
    if (!disk) return ctx.skip(TINY_DISK_SKIP);
    try {
      const path = join(disk.dir, 'net.json');
      await writeFile(path, 'the good version');
      disk.fill();
      await services.scope.grant(disk.dir, 'folder', 'host');
      expect(await call('file.write', { path, text: 'x'.repeat(100_000) })).toEqual({
        ok: false,
        error: `Could not save ${path}: the disk is full`,
      });
      expect(await readFile(path, 'utf8')).toBe('the good version');
      expect(await temporaries(disk.dir)).toEqual([]);
    } finally {
      disk.unmount();
    }
  });
});

describe('request limits', () => {
  it('refuses a text over 64 MiB of UTF-8 (22 Mi CJK characters) before writing, as it could not be read back', async () => {
    const path = join(dir, 'huge.json');
    await services.scope.grant(path, 'file', 'host');
    const reply = await call('file.write', { path, text: '漢'.repeat(22 * 1024 * 1024) });
    expect(reply).toEqual({
      ok: false,
      error: 'file.write: text: is more than 64 MiB of UTF-8, the most NetCanvas reads back from one file',
    });
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
  }, 60_000);
});

describe('host reads', () => {
  it('refuses a FIFO and /dev/zero at once', async () => {
    const fifo = join(dir, 'graph.json');
    execFileSync('mkfifo', [fifo]);
    await services.scope.grant(fifo, 'file', 'host');
    const started = Date.now();
    expect(await call('file.read', { path: fifo })).toEqual({
      ok: false,
      error: `Could not read ${fifo}: it is not a regular file (a device, pipe or socket); choose a file`,
    });
    expect(Date.now() - started).toBeLessThan(2000);
    // /dev is out of reach whatever was chosen; the reader would refuse the device anyway.
    expect(await call('file.read', { path: '/dev/zero' })).toEqual({
      ok: false,
      error: 'Could not open /dev/zero: NetCanvas does not open system files',
    });
  });

  it('opens a graph saved with a byte-order mark', async () => {
    const path = join(dir, 'bom.json');
    await writeFile(path, '\uFEFF{"format":"netcanvas.graph"}');
    await services.scope.grant(path, 'file', 'host');
    expect(await call('file.read', { path })).toEqual({ ok: true, result: { path, text: '{"format":"netcanvas.graph"}' } });
  });
});
