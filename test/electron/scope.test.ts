/** The path scope on its own: grants, traversal, symbolic links, hidden entries, /proc, page rules, persistence. */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPathScope, type PathScope } from '../../electron/services/scope';

let dir: string;
let scope: PathScope;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netcanvas-scope-'));
  await mkdir(join(dir, 'chosen', 'sub'), { recursive: true });
  await mkdir(join(dir, 'chosen', '.git'), { recursive: true });
  await mkdir(join(dir, 'elsewhere'), { recursive: true });
  await writeFile(join(dir, 'elsewhere', 'secret.txt'), 'secret');
  scope = createPathScope({ homeDir: dir, file: join(dir, 'data', 'allowed-paths.json') });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('path scope', () => {
  it('allows what was chosen and what lies inside a chosen folder, nothing else', async () => {
    await scope.grant(join(dir, 'chosen'), 'folder', 'host');
    await expect(scope.check(join(dir, 'chosen', 'sub', 'net.json'), 'write')).resolves.toBeUndefined();
    await expect(scope.check(join(dir, 'elsewhere', 'secret.txt'), 'read')).rejects.toThrow(
      `Could not open ${join(dir, 'elsewhere', 'secret.txt')}: it is not a file or folder you chose in NetCanvas; choose it with Open…, Save As…, or the dataset's Folder… and File… buttons`,
    );
  });

  it('resolves .. before judging (traversal out of a chosen folder is refused)', async () => {
    await scope.grant(join(dir, 'chosen'), 'folder', 'host');
    const sneaky = `${join(dir, 'chosen')}/sub/../../elsewhere/secret.txt`;
    expect(await scope.allows(sneaky, 'read')).toBe(false);
    expect(await scope.allows(`${join(dir, 'chosen')}/sub/../net.json`, 'write')).toBe(true);
  });

  it('judges a symbolic link by where it leads', async () => {
    await scope.grant(join(dir, 'chosen'), 'folder', 'host');
    await symlink(join(dir, 'elsewhere', 'secret.txt'), join(dir, 'chosen', 'link.txt'));
    await symlink('/etc', join(dir, 'chosen', 'etc'));
    await expect(scope.check(join(dir, 'chosen', 'link.txt'), 'read')).rejects.toThrow(
      `(it leads to ${join(dir, 'elsewhere', 'secret.txt')})`,
    );
    expect(await scope.allows(join(dir, 'chosen', 'etc', 'passwd'), 'read')).toBe(false);
  });

  it('keeps hidden entries of a chosen folder out', async () => {
    await scope.grant(join(dir, 'chosen'), 'folder', 'host');
    expect(await scope.allows(join(dir, 'chosen', '.git', 'config'), 'read')).toBe(false);
  });

  it('never reaches /proc, /sys or /dev, even when chosen natively', async () => {
    await expect(scope.grant('/proc/self', 'folder', 'host')).rejects.toThrow('NetCanvas does not open system files');
    await expect(scope.check('/proc/self/environ', 'read')).rejects.toThrow(
      'Could not open /proc/self/environ: NetCanvas does not open system files',
    );
    await symlink('/proc/self/environ', join(dir, 'chosen', 'env'));
    await scope.grant(join(dir, 'chosen'), 'folder', 'host');
    expect(await scope.allows(join(dir, 'chosen', 'env'), 'read')).toBe(false);
    expect(await scope.allows('/dev/zero', 'read')).toBe(false);
  });

  it("refuses the page's choice of system, hidden, root and home folders", async () => {
    await expect(scope.grant('/etc/passwd', 'file', 'page')).rejects.toThrow(
      'NetCanvas cannot use /etc/passwd: it is in a system folder (/etc)',
    );
    await expect(scope.grant(join(dir, 'chosen', '.git'), 'folder', 'page')).rejects.toThrow(/it is hidden/);
    await expect(scope.grant('/', 'folder', 'page')).rejects.toThrow(/the whole disk or your whole home folder/);
    await expect(scope.grant(dir, 'folder', 'page')).rejects.toThrow(/the whole disk or your whole home folder/);
    expect(await scope.grant(join(dir, 'chosen'), 'folder', 'page')).toBe(join(dir, 'chosen'));
  });

  it('lets the page browse names anywhere it could choose, never /proc or system folders', async () => {
    expect(await scope.allows(dir, 'list')).toBe(true);
    expect(await scope.allows('/proc', 'list')).toBe(false);
    expect(await scope.allows('/etc', 'list')).toBe(false);
    expect(await scope.allows(join(homedir(), '.ssh'), 'list')).toBe(false);
  });

  it('remembers grants in the data folder across sessions, and drops page grants a damaged list could not make', async () => {
    await scope.grant(join(dir, 'chosen'), 'folder', 'page');
    const saved = JSON.parse(await readFile(join(dir, 'data', 'allowed-paths.json'), 'utf8'));
    saved.push({ path: '/etc', kind: 'folder', source: 'page' });
    await writeFile(join(dir, 'data', 'allowed-paths.json'), JSON.stringify(saved));
    const next = createPathScope({ homeDir: dir, file: join(dir, 'data', 'allowed-paths.json') });
    expect(await next.allows(join(dir, 'chosen', 'a.json'), 'read')).toBe(true);
    expect(await next.allows('/etc/passwd', 'read')).toBe(false);
  });
});
