/**
 * The desktop window's security settings, as plain data and handlers with Electron objects passed
 * in, so tests check them without Electron. Follows Electron's security checklist: isolated,
 * sandboxed renderer without Node; strict CSP; no navigation, new windows, permissions, webviews
 * or remote content; https links open in the user's browser.
 */
import { contentSecurityPolicy } from '../shared/page';
import type { BrowserWindowConstructorOptions, Event, HandlerDetails, Session, WebContents } from 'electron';

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 800,
    minHeight: 500,
    title: 'NetCanvas',
    show: false,
    backgroundColor: '#1e1f24',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** Adds the CSP header to every response our page loads, whatever served it. */
export function withCsp(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}

/** Only the app's own pages may load; anything on the network is cancelled. */
export function isAllowedRequestUrl(url: string, appOrigin: string): boolean {
  if (url.startsWith(`${appOrigin}/`) || url === appOrigin) return true;
  // Workers and images the page makes itself; devtools are Chromium's own.
  return url.startsWith('blob:') || url.startsWith('data:') || url.startsWith('devtools:');
}

type SessionLike = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived' | 'onBeforeRequest'>;
};

export function installSessionSecurity(session: SessionLike, appOrigin: string): void {
  session.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCsp(details.responseHeaders) }));
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequestUrl(details.url, appOrigin) }));
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** https links the user clicks go to their browser; nothing else leaves the app. */
export function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

type WebContentsLike = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export function installNavigationGuards(webContents: WebContentsLike, openExternal: (url: string) => unknown): void {
  const block = (event: Event, url: string) => {
    event.preventDefault();
    if (isExternalLink(url)) void openExternal(url);
  };
  // The page is one document: it never navigates, so every navigation is refused.
  webContents.on('will-navigate', (event, url) => block(event, url));
  webContents.on('will-redirect', (event, url) => block(event, url));
  webContents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  webContents.on('will-attach-webview', (event) => event.preventDefault());
  webContents.setWindowOpenHandler((details: HandlerDetails) => {
    if (isExternalLink(details.url)) void openExternal(details.url);
    return { action: 'deny' };
  });
}
