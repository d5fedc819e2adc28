/**
 * Where NetCanvas keeps what it can make again: the generated datasets. `NETCANVAS_CACHE_DIR` if
 * set, else the platform's cache folder (XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on
 * macOS, %LOCALAPPDATA% on Windows). Deleting it loses nothing: it is regenerated on first use.
 */
import { homedir, platform } from 'node:os';
import { join } from 'node:path';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['NETCANVAS_CACHE_DIR']) return env['NETCANVAS_CACHE_DIR'];
  const home = homedir();
  if (platform() === 'win32') return join(env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local'), 'NetCanvas', 'Cache');
  if (platform() === 'darwin') return join(home, 'Library', 'Caches', 'NetCanvas');
  return join(env['XDG_CACHE_HOME'] ?? join(home, '.cache'), 'netcanvas');
}
