/**
 * The reasons `npm start` gives for a failed Electron download, from the installer's real output
 * shapes (its `err.stack`), and the commands it prints for each shell.
 */
import { describe, expect, it } from 'vitest';
import { explainInstallFailure, networkReason } from '../../electron/start/diagnose';
import { displayProblem, downloadFailedMessage, withEnv } from '../../electron/start/messages';

const FETCH_FAILED = `TypeError: fetch failed
    at node:internal/deps/undici/undici:14976:13
    at async FetchDownloader.download (file:///x/node_modules/electron/node_modules/@electron/get/dist/FetchDownloader.js:46:30)`;
const context = (env: NodeJS.ProcessEnv = {}, probe = async () => 'ENOTFOUND') => ({
  mirror: 'https://github.com/electron/electron/releases/download/',
  version: '45.5.0',
  env,
  probe,
});

describe('explainInstallFailure', () => {
  it('a failed fetch: probes the host for the cause', async () => {
    expect(await explainInstallFailure(FETCH_FAILED, context())).toBe(
      'github.com could not be found (no DNS answer for it: this machine has no internet access, or only through a proxy)',
    );
    expect(
      await explainInstallFailure(
        FETCH_FAILED,
        context({}, async () => 'SELF_SIGNED_CERT_IN_CHAIN'),
      ),
    ).toMatch(/certificate is not trusted here .*NODE_EXTRA_CA_CERTS/);
    expect(
      await explainInstallFailure(
        FETCH_FAILED,
        context({}, async () => 'UND_ERR_CONNECT_TIMEOUT'),
      ),
    ).toMatch(/timed out/);
  });

  it('a proxy in the environment that Electron ignores, or that failed', async () => {
    expect(await explainInstallFailure(FETCH_FAILED, context({ https_proxy: 'http://p:3128' }))).toMatch(/unless ELECTRON_GET_USE_PROXY=1/);
    expect(await explainInstallFailure(FETCH_FAILED, context({ HTTPS_PROXY: 'http://p:3128', ELECTRON_GET_USE_PROXY: '1' }))).toBe(
      'downloading from github.com through the proxy http://p:3128 failed (TypeError: fetch failed)',
    );
  });

  it('HTTP answers: 404 (a mirror without this version), 407 (proxy credentials)', async () => {
    const answer = (code: string, text: string) =>
      `HTTPError: Response code ${code} (${text}) for https://mirror.example/v45.5.0/electron-v45.5.0-linux-x64.zip\n    at x (y.js:1:1)`;
    expect(await explainInstallFailure(answer('404', 'Not Found'), context())).toMatch(
      /^mirror\.example answered HTTP 404 Not Found for electron-v45\.5\.0-linux-x64\.zip: does that server carry Electron 45\.5\.0\?/,
    );
    expect(await explainInstallFailure(answer('407', 'Proxy Authentication Required'), context())).toMatch(/USER:PASSWORD@PROXY:PORT/);
  });

  it("a checksum mismatch, a Node too old for Electron's installer, an unknown failure's first line", async () => {
    expect(await explainInstallFailure('Error: Generated checksum for "x.zip" did not match expected checksum.', context())).toMatch(
      /did not match Electron's published checksum/,
    );
    expect(await explainInstallFailure('Error [ERR_REQUIRE_ESM]: require() of ES Module', { ...context(), nodeVersion: '20.18.0' })).toBe(
      "Node 20.18.0 cannot run Electron 45.5.0's installer (it needs Node 22.12 or newer)",
    );
    expect(await explainInstallFailure('\nError: EACCES: permission denied, mkdir\n    at f (x:1)', context())).toBe(
      'Error: EACCES: permission denied, mkdir',
    );
  });

  it('every network code has words', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENETUNREACH', 'EAI_AGAIN']) expect(networkReason(code, 'h')).not.toContain(code);
    expect(networkReason('EWHATEVER', 'h')).toBe('the download from h failed (EWHATEVER)');
  });
});

describe('messages', () => {
  it('commands in the shell of the platform', () => {
    expect(withEnv({ A: '1', B: 'x y' }, 'linux')).toBe('A=1 B=x y npm start');
    expect(withEnv({ A: '1' }, 'win32')).toBe('$env:A="1"; npm start');
    expect(downloadFailedMessage({ version: '1.0.0', reason: 'r', zipName: 'z.zip', platform: 'win32' })).toContain(
      '$env:ELECTRON_MIRROR="https://npmmirror.com/mirrors/electron/"; npm start',
    );
  });

  it('a display is needed on Linux and the BSDs only', () => {
    expect(displayProblem({}, 'linux')).toMatch(/no display/);
    expect(displayProblem({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBeNull();
    expect(displayProblem({}, 'darwin')).toBeNull();
    expect(displayProblem({}, 'win32')).toBeNull();
  });
});
