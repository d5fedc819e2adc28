/** Serves the built renderer: GET/HEAD only, inside `rootDir` only, with security headers. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { CONTENT_TYPES as TYPES, contentSecurityPolicy } from '../shared/page';

/** The page's policy: the same as the desktop's, plus the API's WebSocket on this origin. */
export function webContentSecurityPolicy(origin: string): string {
  return contentSecurityPolicy([origin.replace(/^http/, 'ws')]);
}

function fail(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(`${text}\n`);
}

export async function serveStatic(req: IncomingMessage, res: ServerResponse, rootDir: string, origin: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'Method not allowed');
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    return fail(res, 400, 'Bad request');
  }
  if (pathname.includes('\0')) return fail(res, 400, 'Bad request');
  const relative = normalize(pathname === '/' ? '/index.html' : pathname).replace(/^([/\\])+/, '');
  const file = join(rootDir, relative);
  // normalize() already folded "..", but a path must still land inside the root.
  if (!(file === rootDir || file.startsWith(rootDir.endsWith(sep) ? rootDir : rootDir + sep))) return fail(res, 403, 'Forbidden');
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return fail(res, 404, `Not found: ${pathname}`);
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': info.size,
    'X-Content-Type-Options': 'nosniff',
    // The page URL carries the token: never send it elsewhere.
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'no-cache',
    ...(type.startsWith('text/html') ? { 'Content-Security-Policy': webContentSecurityPolicy(origin) } : {}),
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
