/**
 * What `npm start` says when the desktop app cannot start: one short paragraph each — what is
 * wrong, the ways Electron documents to fix it, and that `npm run web` serves the same editor now.
 */

/** `NAME=value … npm start` in the shell a user of `platform` most likely has. */
export function withEnv(vars: Record<string, string>, platform: NodeJS.Platform = process.platform): string {
  const entries = Object.entries(vars);
  if (platform === 'win32') return `${entries.map(([k, v]) => `$env:${k}="${v}"; `).join('')}npm start`;
  return `${entries.map(([k, v]) => `${k}=${v} `).join('')}npm start`;
}

/** True where Electron needs an X11 or Wayland display (not macOS or Windows). */
export function needsDisplayServer(platform: NodeJS.Platform): boolean {
  return platform !== 'darwin' && platform !== 'win32';
}

/** The missing display, or null when there is one (or the platform always has one). */
export function displayProblem(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | null {
  if (!needsDisplayServer(platform) || env.DISPLAY || env.WAYLAND_DISPLAY) return null;
  return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset, as over ssh or on a server)';
}

const WEB = 'Now, with nothing to download: npm run web (the same editor, in your browser).';

export interface NoDisplay {
  readonly problem: string;
  /** The Electron version whose binary is not downloaded yet, if it is not. */
  readonly notDownloaded?: string;
}

export function noDisplayMessage({ problem, notDownloaded }: NoDisplay): string {
  return [
    `netcanvas: the desktop app cannot start: ${problem}.`,
    '  On the machine itself, run npm start in a terminal of its desktop; over ssh, `ssh -X` forwards a display; a virtual one: xvfb-run -a npm start',
    ...(notDownloaded
      ? [`  (Electron ${notDownloaded} is not downloaded yet either: the first start with a display fetches it, about 100 MB.)`]
      : []),
    `  ${WEB} From another computer: ssh -L 8080:127.0.0.1:8080 this-machine, then npm run web -- --port 8080`,
  ].join('\n');
}

export interface DownloadFailed {
  readonly version: string;
  readonly reason: string;
  readonly zipName: string;
  /** A zip brought in by hand (NETCANVAS_ELECTRON_ZIP) rather than a download. */
  readonly fromZip?: boolean;
  readonly platform?: NodeJS.Platform;
}

export function downloadFailedMessage({ version, reason, zipName, fromZip, platform = process.platform }: DownloadFailed): string {
  const what = fromZip
    ? `installing Electron ${version} from NETCANVAS_ELECTRON_ZIP failed: ${reason}.`
    : `Electron ${version} is not downloaded yet (it is fetched on the first start), and fetching it failed: ${reason}.`;
  return [
    `netcanvas: the desktop app cannot start: ${what}`,
    `  Behind a proxy: ${withEnv({ ELECTRON_GET_USE_PROXY: '1', HTTPS_PROXY: 'http://PROXY:PORT' }, platform)}`,
    `  From a mirror:  ${withEnv({ ELECTRON_MIRROR: 'https://npmmirror.com/mirrors/electron/' }, platform)}  (any mirror of Electron's releases)`,
    `  From a file:    get ${zipName} from https://github.com/electron/electron/releases/tag/v${version} on another computer, then ${withEnv({ NETCANVAS_ELECTRON_ZIP: `/path/to/${zipName}` }, platform)}`,
    `  ${WEB}`,
  ].join('\n');
}
