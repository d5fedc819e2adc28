/**
 * What `npm install` needs and runs. The Node versions package.json and the README state are the
 * ones the locked packages declare (their `engines`): everything but the desktop app runs on
 * package.json's range; Electron's own tools, used only by npm start/package/dist, want 22.12.
 *
 * What `npm install` runs. npm ≥ 11.16 reads package.json `allowScripts` (npm 12 blocks every
 * dependency install script it does not list), so each package with an install script is listed
 * on purpose: onnxruntime-node's only job here would be downloading CUDA libraries from NuGet
 * (its CPU binding is in the package) — denied, which keeps working when npm stops passing the
 * project .npmrc's custom `onnxruntime-node-install=skip` to scripts; that key stays for npm 10
 * and 11.0–11.15, which have no allowScripts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Lock {
  packages: Record<
    string,
    { hasInstallScript?: boolean; version?: string; engines?: { node?: string }; optional?: boolean; os?: string[]; cpu?: string[] }
  >;
}
const semver = createRequire(import.meta.url)('semver') as {
  subset(sub: string, dom: string): boolean;
  satisfies(v: string, range: string): boolean;
};
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  allowScripts?: Record<string, boolean>;
  engines?: Record<string, string>;
};
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as Lock;

/** Names of locked packages with an install script, e.g. 'onnxruntime-node'. */
const withScripts = [
  ...new Set(
    Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)),
  ),
].sort();

const NPM_VERSION = (() =>
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['--version'], { env: { ...process.env, npm_config_loglevel: 'silent' } })
    .toString()
    .trim()
    .split('.')
    .map(Number))();

describe('install scripts', () => {
  it('every package with an install script is allowed or denied by name in package.json allowScripts', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    // Names, not name@version: the lock file carries no `resolved` URLs, so npm cannot verify a
    // pinned version and refuses a pinned approval (measured with npm 11.19).
    expect(withScripts.filter((name) => typeof pkg.allowScripts?.[name] !== 'boolean')).toEqual([]);
  });

  it("onnxruntime-node's script is denied, and nothing is lost: its CPU binding ships in the package", () => {
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
    const dir = join('node_modules', 'onnxruntime-node', 'bin', 'napi-v6', process.platform, process.arch);
    expect(existsSync(join(dir, 'onnxruntime_binding.node'))).toBe(true);
    // npm 10 and 11.0–11.15 run it regardless: the key makes it exit at once.
    expect(readFileSync('.npmrc', 'utf8')).toMatch(/^onnxruntime-node-install=skip$/m);
  });

  it('the optional libtensorflow backends keep their install (it downloads libtensorflow; npm 12 would skip it)', () => {
    expect(pkg.allowScripts?.['@tensorflow/tfjs-node']).toBe(true);
    expect(pkg.allowScripts?.['@tensorflow/tfjs-node-gpu']).toBe(true);
  });

  const [major = 0, minor = 0] = NPM_VERSION;
  it.skipIf(major < 11 || (major === 11 && minor < 16))('npm itself finds no unreviewed install script (npm ≥ 11.16)', () => {
    const out = execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install-scripts', 'ls'], {
      env: { ...process.env, npm_config_loglevel: 'error' },
    }).toString();
    expect(out).toContain('No packages with unreviewed install scripts');
  });
});

/** Used only by npm start, npm run package and npm run dist (Electron 45, its download and rebuild tools). */
const DESKTOP_ONLY = ['electron', '@electron/get', '@electron-internal/extract-zip', '@electron/rebuild', 'node-abi'];
const nameOf = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('Node versions', () => {
  // Platform-specific optional binaries (one per OS/CPU) are only installed where they fit.
  const declared = Object.entries(lock.packages).filter(([path, p]) => path !== '' && p.engines?.node && !(p.optional && (p.os || p.cpu)));

  it("package.json engines fits every package but the desktop app's, and the README says so", () => {
    const range = pkg.engines!.node!;
    const misfits = declared.filter(([, p]) => !semver.subset(range, p.engines!.node!)).map(([path]) => nameOf(path));
    expect([...new Set(misfits)].sort()).toEqual([...DESKTOP_ONLY].sort());
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain(range.replaceAll('|', '\\|'));
    for (const name of DESKTOP_ONLY) expect(readme).toContain(`\`${name}\``);
  });

  it('the desktop commands need Node 22.12 (what the README says), and it satisfies them', () => {
    for (const [path, p] of declared.filter(([path]) => DESKTOP_ONLY.includes(nameOf(path)))) {
      expect([path, semver.subset('>=22.12.0', p.engines!.node!)]).toEqual([path, true]);
    }
    expect(readFileSync('README.md', 'utf8')).toContain('`npm run dist` | Node ≥ 22.12');
  });
});
