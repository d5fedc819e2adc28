/**
 * The host the end-to-end tests drive: the real web host (`electron/web/server.ts`, what
 * `npm run web` starts) serving the freshly built renderer. Built once per test file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Each test process builds its own copy: vitest runs the e2e files in parallel, and builds racing
 * on one folder (or on the developer's dist/renderer) would break each other.
 */
export const RENDERER_DIR = join(tmpdir(), `netcanvas-e2e-renderer-${process.pid}`);
const SERVER_ENTRY = resolve('electron/web/server.ts');

export const webHostAvailable = (): boolean => existsSync(SERVER_ENTRY);

let built = false;
/** What `npm run build:renderer` does, into RENDERER_DIR, once per process (a few seconds). */
export function buildRenderer(): void {
  if (built && existsSync(join(RENDERER_DIR, 'index.html'))) return;
  execFileSync(
    'npx',
    ['vite', 'build', '--config', 'renderer/vite.config.ts', '--outDir', RENDERER_DIR, '--emptyOutDir', '--logLevel', 'error'],
    { stdio: 'inherit' },
  );
  built = true;
}

export interface RunningHost {
  readonly url: string;
  close(): Promise<void>;
}

export async function startHost(): Promise<RunningHost> {
  buildRenderer();
  const mod = (await import(pathToFileURL(SERVER_ENTRY).href)) as {
    startWebServer(options: {
      port?: number;
      host: string;
      rendererDir: string;
      dataDir?: string;
    }): Promise<{ url: string; token: string; close(): Promise<void> | void }>;
  };
  // A fresh data folder: recovery copies and recent files of one run never leak into the next.
  const dataDir = mkdtempSync(join(tmpdir(), 'netcanvas-e2e-data-'));
  const server = await mod.startWebServer({ host: '127.0.0.1', rendererDir: RENDERER_DIR, dataDir });
  const url = server.url.includes('token=') ? server.url : `${server.url}${server.url.includes('?') ? '&' : '?'}token=${server.token}`;
  return { url, close: async () => void (await server.close()) };
}
