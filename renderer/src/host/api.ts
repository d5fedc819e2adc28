/**
 * The one door to the host. On the desktop the preload defines `window.netcanvas`; in a browser
 * the web client stands in. Everything else in the renderer calls `api()`.
 */
import type { NetCanvasApi } from '../../../electron/api/contract';
import { apiUrl, createWebClient, type ConnectionState, type WebClient } from './webClient';

declare global {
  interface Window {
    netcanvas?: NetCanvasApi;
  }
}

let webClient: WebClient | null = null;

/** Call once at start-up, before anything asks the host. */
export function connectHost(): NetCanvasApi {
  if (!window.netcanvas) {
    webClient = createWebClient(apiUrl(window.location));
    window.netcanvas = webClient;
  }
  return window.netcanvas;
}

export function api(): NetCanvasApi {
  if (!window.netcanvas) throw new Error('connectHost() must run before the host is used');
  return window.netcanvas;
}

/** Only the web host can lose its connection; the desktop preload cannot. */
export function watchConnection(listener: (state: ConnectionState) => void): () => void {
  return webClient ? webClient.onConnectionChange(listener) : () => {};
}

/** Errors from the host are messages for the user; anything else is shown as text too. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
