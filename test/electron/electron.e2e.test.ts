/**
 * End-to-end smoke test of the real desktop app with Playwright's `_electron`. It needs the
 * Electron binary (downloaded on first launch, which machines without internet cannot do) and a
 * display (on Linux: `xvfb-run -a npx vitest run test/electron/electron.e2e.test.ts`). Where
 * either is missing it skips and prints why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, type ElectronApplication } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { findElectron } from '../../electron/start/electronInstall';

// Located as `npx electron` would, without triggering its download (requiring 'electron' would).
const binary = findElectron(resolve('.'))?.binary ?? null;
const skipReason = !binary
  ? 'Electron binary not downloaded: this machine cannot fetch it; runs on machines where `npx electron --version` works'
  : process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
    ? 'no display: run it under `xvfb-run -a` (apt package xvfb)'
    : null;
if (skipReason) process.stdout.write(`[electron e2e] SKIPPED: ${skipReason}\n`);

describe.skipIf(skipReason !== null)('desktop app (real Electron)', () => {
  let app: ElectronApplication | null = null;
  const userData = mkdtempSync(join(tmpdir(), 'netcanvas-electron-'));
  afterAll(async () => {
    await app?.close();
    rmSync(userData, { recursive: true, force: true });
  });

  it('launches the editor in a secure window whose page talks to the host', async () => {
    if (!existsSync('dist-electron/main.cjs') || !existsSync('dist/renderer/index.html'))
      execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
    app = await _electron.launch({
      executablePath: binary!,
      args: ['.', `--user-data-dir=${userData}`],
      env: { ...process.env, NETCANVAS_E2E: '1' },
    });
    const page = await app.firstWindow();
    await page.waitForSelector('#root *', { timeout: 30_000 });
    expect(page.url()).toBe('netcanvas://app/index.html');
    // No Node in the page, only the one API.
    expect(
      await page.evaluate(() => [
        typeof (window as unknown as { require?: unknown }).require,
        typeof (window as unknown as { process?: unknown }).process,
      ]),
    ).toEqual(['undefined', 'undefined']);
    const templates = await page.evaluate(() => window.netcanvas!.request('templates.list', {}));
    expect(templates.map((t) => t.id)).toContain('lenet5');
    const info = await page.evaluate(() => window.netcanvas!.request('host.info', {}));
    expect(info.kind).toBe('desktop');
    // The renderer cannot open other windows.
    expect(await page.evaluate(() => window.open('https://example.org') === null)).toBe(true);
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const w = BrowserWindow.getAllWindows()[0]!;
      // Not in every Electron's typings; present at run time.
      const p = (w.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> }).getLastWebPreferences();
      return { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration };
    });
    expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    await page.screenshot({ path: 'test-results/electron-smoke.png' });
  }, 120_000);
});
