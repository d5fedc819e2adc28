/**
 * `npm start` as a newcomer meets it, run for real. Where Electron's binary is missing (it cannot
 * be downloaded on this project's CI machine) the real `npm start` must explain itself in one
 * paragraph before building anything; those cases skip on machines that have the binary, where
 * `npm start` would launch the app. Electron's own installer is then driven against a local
 * mirror and a hand-carried zip, in a scratch copy of the electron package.
 */
import { execFileSync, spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findElectron } from '../../electron/start/electronInstall';

const ROOT = resolve('.');
const install = findElectron(ROOT)!;
const NO_DISPLAY = { DISPLAY: undefined, WAYLAND_DISPLAY: undefined };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command with `env` changes (undefined removes a variable). */
function run(command: string, args: string[], cwd: string, changes: Record<string, string | undefined>): Promise<Run> {
  const env = { ...process.env };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

const npmStart = (env: Record<string, string | undefined>) => run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['start'], ROOT, env);

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function expectOneParagraph(r: Run): void {
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('netcanvas: the desktop app cannot start:');
  expect(r.stderr).toContain('npm run web');
  // No stack trace, and the slow build never started.
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('Error:');
  expect(r.stdout).not.toContain('build:renderer');
}

describe.skipIf(install.binary != null)('npm start where Electron is not downloaded (the real command)', () => {
  it('without a display, says so (and that Electron is not downloaded either) before building', async () => {
    const r = await npmStart(NO_DISPLAY);
    expectOneParagraph(r);
    expect(r.stderr).toContain('there is no display');
    expect(r.stderr).toContain('xvfb-run -a npm start');
    expect(r.stderr).toContain(`Electron ${install.version} is not downloaded yet either`);
    expect(r.ms).toBeLessThan(30_000);
  }, 60_000);

  it('with a mirror that refuses the connection, names it and the fixes', async () => {
    const port = await closedPort();
    const r = await npmStart({ DISPLAY: ':99', ELECTRON_MIRROR: `http://127.0.0.1:${port}/` });
    expectOneParagraph(r);
    expect(r.stdout).toContain(`Downloading Electron ${install.version} from 127.0.0.1:${port}`);
    expect(r.stderr).toContain(`fetching it failed: 127.0.0.1:${port} refused the connection.`);
    expect(r.stderr).toContain('ELECTRON_GET_USE_PROXY=1 HTTPS_PROXY=http://PROXY:PORT npm start');
    expect(r.stderr).toContain(`NETCANVAS_ELECTRON_ZIP=/path/to/${install.zipName} npm start`);
    expect(existsSync(join(install.dir, 'dist'))).toBe(false);
  }, 60_000);

  it('with a proxy set that Electron would ignore, says to set ELECTRON_GET_USE_PROXY', async () => {
    const port = await closedPort();
    const r = await npmStart({ DISPLAY: ':99', ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, HTTPS_PROXY: 'http://proxy.invalid:3128' });
    expectOneParagraph(r);
    expect(r.stderr).toContain('ignores the proxy set in HTTPS_PROXY/HTTP_PROXY unless ELECTRON_GET_USE_PROXY=1 is set too');
  }, 60_000);

  it("where GitHub is out of reach (this project's CI), says it could not be found", async (ctx) => {
    const reachable = await lookup('github.com').then(
      () => true,
      () => false,
    );
    if (reachable) ctx.skip('github.com resolves here: npm start would download Electron');
    const r = await npmStart({
      DISPLAY: ':99',
      ELECTRON_MIRROR: undefined,
      ELECTRON_GET_USE_PROXY: undefined,
      HTTPS_PROXY: undefined,
      HTTP_PROXY: undefined,
    });
    expectOneParagraph(r);
    expect(r.stderr).toContain('github.com could not be found (no DNS answer for it');
  }, 60_000);
});

/** A scratch project: a copy of the electron package (the installer writes into it), every other package linked. */
function scratchProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netcanvas-start-'));
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === 'electron' || name.startsWith('.')) continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name), 'junction');
  }
  const skip = new Set([join(install.dir, 'dist'), join(install.dir, 'path.txt')]);
  cpSync(install.dir, join(dir, 'node_modules', 'electron'), { recursive: true, filter: (p) => !skip.has(p) });
  writeFileSync(join(dir, 'package.json'), '{"name":"scratch","private":true}');
  return dir;
}

/** A stand-in release zip: an `electron` script that prints its arguments (made with Python's zipfile). */
function fakeReleaseZip(path: string): string {
  const script = '#!/bin/sh\necho "stand-in electron $*"\n';
  execFileSync('/usr/bin/python3', [
    '-c',
    'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], "w")\ni = zipfile.ZipInfo("electron")\ni.external_attr = 0o100755 << 16\nz.writestr(i, sys.argv[2])\nz.writestr("version", sys.argv[3])\nz.close()',
    path,
    script,
    install.version,
  ]);
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const check = (cwd: string, env: Record<string, string | undefined>) =>
  run(process.execPath, ['--import', 'tsx', join(ROOT, 'electron/start/check.ts')], cwd, env);

describe.skipIf(process.platform !== 'linux' || !existsSync('/usr/bin/python3'))("Electron's installer behind the check", () => {
  let project: string;
  let work: string;
  let mirror: Server;
  let mirrorUrl: string;
  let zip: string;
  let zipSha: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'netcanvas-mirror-'));
    zip = join(work, install.zipName);
    zipSha = fakeReleaseZip(zip);
    const files: Record<string, Buffer> = {
      [`/v${install.version}/${install.zipName}`]: readFileSync(zip),
      [`/v${install.version}/SHASUMS256.txt`]: Buffer.from(`${zipSha} *${install.zipName}\n`),
    };
    mirror = createServer((req, res) => {
      const body = files[req.url ?? ''];
      res.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r));
    mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((r) => mirror?.close(r));
    rmSync(work, { recursive: true, force: true });
  });

  it('downloads from ELECTRON_MIRROR, then starts silently', async () => {
    project = scratchProject();
    const cache = join(work, 'cache');
    const env = { DISPLAY: ':99', ELECTRON_MIRROR: mirrorUrl, electron_use_remote_checksums: '1', electron_config_cache: cache };
    const first = await check(project, env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Electron ${install.version} is ready`);
    const binary = findElectron(project)!.binary!;
    expect(execFileSync(binary, ['--version']).toString()).toContain('stand-in electron --version');
    // Present now: nothing to say, nothing fetched.
    const again = await check(project, { DISPLAY: ':99', ELECTRON_MIRROR: 'http://127.0.0.1:9/' });
    expect([again.code, again.stdout, again.stderr]).toEqual([0, '', '']);
    // Without a display the binary is no excuse: the display paragraph, without "not downloaded".
    const headless = await check(project, NO_DISPLAY);
    expect(headless.code).toBe(1);
    expect(headless.stderr).toContain('there is no display');
    expect(headless.stderr).not.toContain('not downloaded');
    rmSync(project, { recursive: true, force: true });
  }, 60_000);

  it('a mirror without this version: HTTP 404, named', async () => {
    project = scratchProject();
    const r = await check(project, { DISPLAY: ':99', ELECTRON_MIRROR: `${mirrorUrl}nothing/`, electron_config_cache: join(work, 'empty') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /127\.0\.0\.1:\d+ answered HTTP 404 Not Found for (SHASUMS256\.txt|electron-v[^ ]+\.zip): does that server carry Electron/,
    );
    rmSync(project, { recursive: true, force: true });
  }, 60_000);

  it('NETCANVAS_ELECTRON_ZIP: a genuine zip installs with no network; any other zip is refused by its checksum', async () => {
    project = scratchProject();
    const blocked = {
      DISPLAY: ':99',
      NETCANVAS_ELECTRON_ZIP: zip,
      ELECTRON_GET_USE_PROXY: '1',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
    };
    const refused = await check(project, blocked);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `installing Electron ${install.version} from NETCANVAS_ELECTRON_ZIP failed: ${zip} is not ${install.zipName}`,
    );
    expect(findElectron(project)!.binary).toBeNull();
    // The stand-in made genuine: Electron's list of checksums names it (every fetch goes to a dead proxy).
    const sums = join(project, 'node_modules', 'electron', 'checksums.json');
    writeFileSync(sums, JSON.stringify({ ...JSON.parse(readFileSync(sums, 'utf8')), [install.zipName]: zipSha }));
    const ok = await check(project, blocked);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(findElectron(project)!.binary).not.toBeNull();
    rmSync(project, { recursive: true, force: true });
  }, 60_000);
});
