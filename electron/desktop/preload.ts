/**
 * The preload: exposes exactly one thing to the page, `window.netcanvas` (NetCanvasApi), and
 * nothing of Electron or Node. Requests go over `ipcRenderer.invoke`; host events arrive on a
 * MessagePort that the main process hands over after each page load. Runs sandboxed, bundled.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { EventName, Events, NetCanvasApi, RequestArgs, RequestName, Results } from '../api/contract';

const REQUEST_CHANNEL = 'netcanvas:request';
const EVENTS_PORT_CHANNEL = 'netcanvas:events-port';
/**
 * A file to open can arrive before the page subscribes (a file given at start-up): such events
 * wait for the first listener. Others (menu commands, training progress) are only meaningful now.
 */
const WAIT_FOR_LISTENER = new Set<string>(['file.openRequested']);
const MAX_QUEUED = 20;

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
const queued = new Map<string, unknown[]>();

function dispatch(name: string, payload: unknown): void {
  const set = listeners.get(name);
  if (set && set.size > 0) {
    for (const listener of set) listener(payload);
    return;
  }
  if (!WAIT_FOR_LISTENER.has(name)) return;
  const waiting = queued.get(name) ?? [];
  if (waiting.length < MAX_QUEUED) waiting.push(payload);
  queued.set(name, waiting);
}

ipcRenderer.on(EVENTS_PORT_CHANNEL, (event) => {
  const port = event.ports[0];
  if (!port) return;
  port.onmessage = (message: MessageEvent) => {
    const data = message.data as { name?: unknown; payload?: unknown } | null;
    if (data && typeof data.name === 'string') dispatch(data.name, data.payload);
  };
});

const api: NetCanvasApi = {
  async request<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<Results[N]> {
    const reply = (await ipcRenderer.invoke(REQUEST_CHANNEL, name, args)) as
      { ok: true; result: Results[N] } | { ok: false; error: string } | undefined;
    if (!reply || !reply.ok) throw new Error(reply?.error ?? 'NetCanvas did not answer the request');
    return reply.result;
  },
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    const set = listeners.get(event) ?? new Set<Listener>();
    set.add(listener as Listener);
    listeners.set(event, set);
    const waiting = queued.get(event);
    if (waiting) {
      queued.delete(event);
      for (const payload of waiting) (listener as Listener)(payload);
    }
    return () => {
      set.delete(listener as Listener);
    };
  },
};

contextBridge.exposeInMainWorld('netcanvas', api);
