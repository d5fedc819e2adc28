/**
 * `npm start`'s first step, before the build: makes sure the desktop app can start here. Where it
 * cannot — no display, or Electron's binary missing and not downloadable (no route to GitHub, a
 * proxy, a locked-down school network) — it says so in one short paragraph, with the fixes and
 * `npm run web` as the way to the same editor now, and exits 1; Electron Forge would otherwise
 * build for a minute and end in a 20-line stack trace. Where all is well it prints nothing, so
 * `npm start` (check, build, `electron-forge start`) behaves as before.
 *
 * Environment: ELECTRON_MIRROR, ELECTRON_GET_USE_PROXY + HTTPS_PROXY, ELECTRON_OVERRIDE_DIST_PATH
 * (Electron's own), NETCANVAS_ELECTRON_ZIP (a release zip downloaded elsewhere).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explainInstallFailure, hostOf } from './diagnose';
import { findElectron, installFromZip, mirrorOf, runElectronInstaller, type ElectronInstall } from './electronInstall';
import { displayProblem, downloadFailedMessage, noDisplayMessage } from './messages';

export interface CheckOptions {
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  /** Progress lines (stdout); problems go to `fail`. */
  readonly say: (line: string) => void;
  readonly fail: (paragraph: string) => void;
}

/** 0 when the app can start; 1 after explaining why it cannot. */
export async function checkDesktopStart(options: CheckOptions): Promise<number> {
  const { projectDir, env, say, fail } = options;
  const platform = options.platform ?? process.platform;
  const install = findElectron(projectDir, env, platform);
  if (install == null) {
    fail(
      'netcanvas: the desktop app cannot start: node_modules/electron is missing. Run npm install first (or npm run web for the same editor in a browser).',
    );
    return 1;
  }
  const noDisplay = displayProblem(env, platform);
  if (noDisplay != null) {
    fail(noDisplayMessage({ problem: noDisplay, ...(install.binary == null ? { notDownloaded: install.version } : {}) }));
    return 1;
  }
  if (install.binary != null) return 0;
  return (await fetchElectron(install, { ...options, platform })) ? 0 : 1;
}

async function fetchElectron(install: ElectronInstall, options: CheckOptions & { platform: NodeJS.Platform }): Promise<boolean> {
  const { projectDir, env, say, fail, platform } = options;
  const zip = env.NETCANVAS_ELECTRON_ZIP;
  const mirror = mirrorOf(env);
  const started = Date.now();
  say(
    zip
      ? `Installing Electron ${install.version} from ${zip}…`
      : `Downloading Electron ${install.version} from ${hostOf(mirror)} (about 100 MB, on the first start only)…`,
  );
  const result = zip ? await installFromZip(install, resolve(zip), env) : await runElectronInstaller(install, env);
  if (result.ok && findElectron(projectDir, env, platform)?.binary != null) {
    say(`Electron ${install.version} is ready (${((Date.now() - started) / 1000).toFixed(0)} s).`);
    return true;
  }
  const reason = result.ok
    ? `the installer finished but left no executable in ${install.dir}`
    : await explainInstallFailure(result.output, { mirror, version: install.version, env });
  fail(downloadFailedMessage({ version: install.version, reason, zipName: install.zipName, fromZip: zip != null, platform }));
  return false;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  checkDesktopStart({
    projectDir: process.cwd(),
    env: process.env,
    say: (line) => process.stdout.write(`${line}\n`),
    fail: (paragraph) => process.stderr.write(`${paragraph}\n`),
  }).then(
    (code) => (process.exitCode = code),
    (err: Error) => {
      process.stderr.write(`netcanvas: checking that the desktop app can start failed: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
