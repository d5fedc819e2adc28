/**
 * Where the project's Electron binary is, and fetching it with Electron's own installer.
 *
 * Electron ≥ 42 downloads its binary (about 110 MB, from GitHub by default) the first time it is
 * launched, not at `npm install`; `require('electron')` does that download as a side effect and
 * throws a bare "Electron failed to install correctly" when it cannot. So nothing here requires
 * the package: the binary is located the way its index.js does (path.txt under dist/, or
 * ELECTRON_OVERRIDE_DIST_PATH), and the download runs its install.js in a child process whose
 * output we keep, to explain a failure in one paragraph instead of a stack trace.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ElectronInstall {
  /** node_modules/electron of the project. */
  readonly dir: string;
  readonly version: string;
  /** The executable, when it is there; null when it still has to be downloaded. */
  readonly binary: string | null;
  /** The release file for this machine, e.g. electron-v45.5.0-linux-x64.zip. */
  readonly zipName: string;
}

/** What the installer writes into path.txt for each platform (the executable inside the zip). */
function platformPath(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/**
 * The project's Electron package and its binary, without triggering a download; null when the
 * package itself is not installed (`npm install` was not run).
 */
export function findElectron(
  projectDir: string,
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): ElectronInstall | null {
  const dir = join(projectDir, 'node_modules', 'electron');
  let version: string;
  try {
    version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
  const pathFile = join(dir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  // index.js: an override dir holds the executable under path.txt's name (or `electron`).
  const candidate = override ? join(override, relative ?? platformPath(platform)) : relative ? join(dir, 'dist', relative) : null;
  const binary = candidate != null && existsSync(candidate) ? candidate : null;
  return { dir, version, binary, zipName: `electron-v${version}-${platform}-${process.arch}.zip` };
}

/** Variables through which @electron/get picks where to download from (its mirror options). */
const MIRROR_VARIABLES =
  /^(npm_config_electron_|npm_package_config_electron_|electron_)(mirror|nightly_mirror|custom_dir|custom_filename|custom_version)$/i;

export const DEFAULT_MIRROR = 'https://github.com/electron/electron/releases/download/';

/** The base URL the installer will download from: ELECTRON_MIRROR (or its npm_config_ forms) or GitHub. */
export function mirrorOf(env: NodeJS.ProcessEnv): string {
  for (const name of [
    'npm_config_electron_mirror',
    'NPM_CONFIG_ELECTRON_MIRROR',
    'npm_package_config_electron_mirror',
    'ELECTRON_MIRROR',
  ]) {
    const value = env[name];
    if (value) return value;
  }
  return DEFAULT_MIRROR;
}

export interface InstallResult {
  readonly ok: boolean;
  /** What the installer printed (its stack trace on failure), kept for the diagnosis. */
  readonly output: string;
}

/** Runs Electron's own installer (node_modules/electron/install.js) with `env`, keeping its output. */
export function runElectronInstaller(install: ElectronInstall, env: NodeJS.ProcessEnv): Promise<InstallResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(install.dir, 'install.js')], {
      cwd: install.dir,
      env: { ...env, ELECTRON_GET_NO_PROGRESS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => resolve({ ok: false, output: `${output}\n${err.message}` }));
    child.on('close', (code) => resolve({ ok: code === 0, output }));
  });
}

/** SHA-256 of a file, hex. */
function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * The checksum Electron lists for its own release file (checksums.json in the package), so a zip
 * brought in by hand is checked before anything is unpacked.
 */
export function expectedChecksum(install: ElectronInstall): string | null {
  try {
    const sums = JSON.parse(readFileSync(join(install.dir, 'checksums.json'), 'utf8')) as Record<string, string>;
    return sums[install.zipName] ?? null;
  } catch {
    return null;
  }
}

/**
 * Installs from a release zip downloaded elsewhere (a school machine with no route to GitHub):
 * the zip is put where @electron/get's cache would hold GitHub's download (a temporary cache
 * folder: the hash of the download URL's folder, then the file name), and Electron's installer
 * then finds it there, checks it against its checksums and unpacks it, fetching nothing.
 */
export async function installFromZip(install: ElectronInstall, zip: string, env: NodeJS.ProcessEnv): Promise<InstallResult> {
  if (!existsSync(zip)) return { ok: false, output: `no such file: ${zip}` };
  const expected = expectedChecksum(install);
  if (expected != null && sha256(zip) !== expected) {
    return {
      ok: false,
      output: `checksum: ${zip} is not ${install.zipName}: its SHA-256 differs from the one Electron ${install.version} lists`,
    };
  }
  const folderUrl = new URL(`v${install.version}`, DEFAULT_MIRROR);
  const cacheRoot = mkdtempSync(join(tmpdir(), 'netcanvas-electron-cache-'));
  try {
    const folder = join(cacheRoot, createHash('sha256').update(folderUrl.toString()).digest('hex'));
    mkdirSync(folder, { recursive: true });
    copyFileSync(zip, join(folder, install.zipName));
    // GitHub's URL and the package's own checksums, whatever mirror settings the shell has.
    const clean = Object.fromEntries(
      Object.entries(env).filter(([name]) => !MIRROR_VARIABLES.test(name) && !/use_remote_checksums/i.test(name)),
    );
    return await runElectronInstaller(install, { ...clean, electron_config_cache: cacheRoot });
  } finally {
    rmSync(cacheRoot, { recursive: true, force: true });
  }
}
