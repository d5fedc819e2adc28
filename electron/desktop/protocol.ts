/**
 * The renderer is served from a private `netcanvas://app/` scheme instead of file://, so 'self'
 * in the CSP means exactly the app's files, ES modules and workers load as on the web, and no
 * page can read arbitrary local files. Plain functions over web `Request`/`Response`.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { CONTENT_TYPES as TYPES } from '../shared/page';
import { CONTENT_SECURITY_POLICY } from './security';

export const APP_SCHEME = 'netcanvas';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const APP_PAGE = `${APP_ORIGIN}/index.html`;

/** For `protocol.registerSchemesAsPrivileged`, before the app is ready. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } as const;

/** True for our own page (any file of it), the only URL allowed to talk to the host. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'app';
  } catch {
    return false;
  }
}

/** Answers a `netcanvas://app/…` request from `rendererDir`; anything else is 404. */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const root = rendererDir.endsWith(sep) ? rendererDir : rendererDir + sep;
  return async (request) => {
    if (!isAppUrl(request.url) || (request.method !== 'GET' && request.method !== 'HEAD'))
      return new Response('Not found', { status: 404 });
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url).pathname);
    } catch {
      return new Response('Bad request', { status: 400 });
    }
    const file = join(rendererDir, normalize(pathname === '/' ? '/index.html' : pathname).replace(/^([/\\])+/, ''));
    if (!file.startsWith(root) || pathname.includes('\0')) return new Response('Forbidden', { status: 403 });
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return new Response(`Not found: ${pathname}`, { status: 404 });
    const body = request.method === 'HEAD' ? null : await readFile(file);
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  };
}
