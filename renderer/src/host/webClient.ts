/**
 * `window.netcanvas` for the web host: the same typed API as the desktop preload, over a
 * WebSocket at /api. Wire protocol (matched by electron/web/):
 *   client → server  {kind:"request", id, name, args}
 *   server → client  {kind:"response", id, ok:true, result} | {kind:"response", id, ok:false, error}
 *                    {kind:"event", name, payload}
 * The connection is re-opened after a loss; `onConnectionChange` drives the UI's banner.
 */
import type { EventName, Events, NetCanvasApi, RequestArgs, RequestName, Results } from '../../../electron/api/contract';
import { MAX_MESSAGE_BYTES, utf8Length } from '../../../engine/graph/limits';

export type ConnectionState = 'connecting' | 'open' | 'lost';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

type ServerMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string }
  | { kind: 'event'; name: string; payload: unknown };

export interface WebClient extends NetCanvasApi {
  readonly state: () => ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

/** The API URL for this page: same host, `ws` or `wss` to match, the page's `?token=`. */
export function apiUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api?token=${encodeURIComponent(token)}`;
}

export function createWebClient(url: string, makeSocket: (url: string) => WebSocket = (u) => new WebSocket(u)): WebClient {
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let nextId = 1;
  let state: ConnectionState = 'connecting';
  let socket: WebSocket;
  let opened: Promise<void>;
  let retryMs = 500;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const l of connectionListeners) l(next);
  };

  const open = () => {
    socket = makeSocket(url);
    opened = new Promise((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
    socket.addEventListener('open', () => {
      retryMs = 500;
      setState('open');
    });
    socket.addEventListener('message', (e) => receive(String(e.data)));
    socket.addEventListener('close', (e) => {
      // The host closes with the protocol's code when a message broke its rules (1009: too big).
      const why =
        e.code === 1009
          ? `the request was larger than the ${MAX_MESSAGE_BYTES / 1024 / 1024} MiB the web host accepts in one message`
          : 'the connection to NetCanvas was lost; try again once it is back';
      for (const p of pending.values()) p.reject(new Error(why));
      pending.clear();
      setState('lost');
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    });
  };

  const receive = (text: string) => {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      return; // not ours
    }
    if (message.kind === 'response') {
      const p = pending.get(message.id);
      if (!p) return;
      pending.delete(message.id);
      if (message.ok) p.resolve(message.result);
      else p.reject(new Error(message.error));
    } else if (message.kind === 'event') {
      for (const l of listeners.get(message.name) ?? []) l(message.payload);
    }
  };

  open();

  return {
    state: () => state,
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    async request<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<Results[N]> {
      if (state !== 'open') {
        if (state === 'lost') throw new Error('not connected to NetCanvas (the server stopped or the network dropped)');
        await opened;
      }
      const id = nextId++;
      const message = JSON.stringify({ kind: 'request', id, name, args });
      // Refused here rather than by the host, which would have to drop the connection.
      if (message.length > MAX_MESSAGE_BYTES / 3 && utf8Length(message) > MAX_MESSAGE_BYTES) {
        throw new Error(
          `this request is ${Math.round(utf8Length(message) / 1024 / 1024)} MiB, more than the ${MAX_MESSAGE_BYTES / 1024 / 1024} MiB the web host accepts in one message`,
        );
      }
      return new Promise<Results[N]>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        socket.send(message);
      });
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}
