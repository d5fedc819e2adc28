/** The desktop window's security settings and handlers, with fake Electron objects. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_PAGE, createAppProtocolHandler, isAppUrl } from '../../electron/desktop/protocol';
import {
  CONTENT_SECURITY_POLICY,
  installNavigationGuards,
  installSessionSecurity,
  mainWindowOptions,
  withCsp,
} from '../../electron/desktop/security';

describe('window options', () => {
  it('isolates and sandboxes the renderer, without Node', () => {
    const prefs = mainWindowOptions('/app/preload.cjs').webPreferences!;
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('content security policy', () => {
  it('allows only the app’s own scripts, no eval, workers from self and blob', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(directives).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self' 'unsafe-inline'",
      'worker-src': "'self' blob:",
      'img-src': "'self' data: blob:",
      'font-src': "'self' data:",
      'connect-src': "'self'",
      'object-src': "'none'",
    });
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it('replaces any CSP a response carries with ours', () => {
    expect(withCsp({ 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] })).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
  });
});

describe('session security', () => {
  const session = {
    webRequest: { onHeadersReceived: vi.fn(), onBeforeRequest: vi.fn() },
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
  };
  installSessionSecurity(session as never, 'netcanvas://app');

  it('denies every permission request and check', () => {
    const callback = vi.fn();
    session.setPermissionRequestHandler.mock.calls[0]![0]({}, 'media', callback);
    session.setPermissionRequestHandler.mock.calls[0]![0]({}, 'notifications', callback);
    expect(callback.mock.calls).toEqual([[false], [false]]);
    expect(session.setPermissionCheckHandler.mock.calls[0]![0]({}, 'clipboard-read')).toBe(false);
    expect(session.setDevicePermissionHandler.mock.calls[0]![0]({})).toBe(false);
  });

  it('cancels remote content and sets the CSP header on every response', () => {
    const onBefore = session.webRequest.onBeforeRequest.mock.calls[0]![0];
    const decide = (url: string) => {
      let cancel: boolean | undefined;
      onBefore({ url }, (r: { cancel: boolean }) => (cancel = r.cancel));
      return cancel;
    };
    expect(decide('https://cdn.example.com/x.js')).toBe(true);
    expect(decide('http://127.0.0.1:8080/')).toBe(true);
    expect(decide('file:///etc/passwd')).toBe(true);
    expect(decide('netcanvas://app/assets/index.js')).toBe(false);
    expect(decide('blob:netcanvas://app/1234')).toBe(false);
    const onHeaders = session.webRequest.onHeadersReceived.mock.calls[0]![0];
    let headers: Record<string, string[]> = {};
    onHeaders({ responseHeaders: {} }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });
});

describe('navigation guards', () => {
  const handlers = new Map<string, (...args: unknown[]) => void>();
  const webContents = {
    on: vi.fn((name: string, fn: (...args: unknown[]) => void) => handlers.set(name, fn)),
    setWindowOpenHandler: vi.fn(),
  };
  const openExternal = vi.fn();
  installNavigationGuards(webContents as never, openExternal);

  it('refuses every navigation; https links open in the browser, others nowhere', () => {
    const event = { preventDefault: vi.fn() };
    handlers.get('will-navigate')!(event, 'https://example.org/docs');
    handlers.get('will-navigate')!(event, 'file:///etc/passwd');
    handlers.get('will-navigate')!(event, 'http://insecure.example');
    expect(event.preventDefault).toHaveBeenCalledTimes(3);
    expect(openExternal.mock.calls).toEqual([['https://example.org/docs']]);
    const attach = { preventDefault: vi.fn() };
    handlers.get('will-attach-webview')!(attach);
    expect(attach.preventDefault).toHaveBeenCalled();
  });

  it('denies window.open, handing https links to the browser', () => {
    const handler = webContents.setWindowOpenHandler.mock.calls[0]![0] as (d: { url: string }) => { action: string };
    openExternal.mockClear();
    expect(handler({ url: 'https://pytorch.org' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://pytorch.org']]);
  });
});

describe('app protocol', () => {
  let dir: string;
  let handle: (r: Request) => Promise<Response>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'netcanvas-proto-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    handle = createAppProtocolHandler(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves the renderer with the CSP header and refuses anything outside it', async () => {
    const page = await handle(new Request(APP_PAGE));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>x</title>');
    expect((await handle(new Request('netcanvas://app/missing.js'))).status).toBe(404);
    // ".." folds away inside the root: /etc/passwd is looked up as <root>/etc/passwd, which is not there.
    expect((await handle(new Request('netcanvas://app/..%2f..%2fetc%2fpasswd'))).status).toBe(404);
    expect((await handle(new Request('netcanvas://other/index.html'))).status).toBe(404);
    expect(isAppUrl('netcanvas://app/index.html')).toBe(true);
    expect(isAppUrl('https://app/index.html')).toBe(false);
  });
});
