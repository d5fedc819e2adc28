/**
 * The main-process end of `window.netcanvas`: every `invoke('netcanvas:request', name, args)`
 * passes a sender check (our window's webContents, showing our own page, from its main frame)
 * and then the dispatcher's validation. Anything else is refused with a message, never run.
 */
import { handleRequest, type Reply } from '../services/dispatcher';
import type { EventSink, Services } from '../services/types';
import { isAppUrl } from './protocol';

export const REQUEST_CHANNEL = 'netcanvas:request';
export const EVENTS_PORT_CHANNEL = 'netcanvas:events-port';

/** The parts of an `IpcMainInvokeEvent` the check reads. */
export interface IpcEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame?: { readonly url: string; readonly parent?: unknown } | null;
}

export interface IpcDeps {
  readonly services: Services;
  /** The webContents ids of our own windows. */
  readonly trustedWebContentsIds: () => readonly number[];
  /** The event sink (the window's events port) for a trusted sender. */
  readonly sinkFor: (webContentsId: number) => EventSink;
}

/** Why this sender may not call the host, or null when it may. */
export function senderRefusal(event: IpcEventLike, trustedIds: readonly number[]): string | null {
  if (!trustedIds.includes(event.sender.id)) return 'unknown sender';
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (frame.parent) return 'requests must come from the main frame';
  if (!isAppUrl(frame.url)) return `requests must come from the NetCanvas page, not ${frame.url || 'an unknown page'}`;
  return null;
}

export function createIpcRequestHandler(deps: IpcDeps): (event: IpcEventLike, name: unknown, args: unknown) => Promise<Reply> {
  return async (event, name, args) => {
    const refused = senderRefusal(event, deps.trustedWebContentsIds());
    if (refused) return { ok: false, error: `request refused: ${refused}` };
    return handleRequest(deps.services, name, args, deps.sinkFor(event.sender.id));
  };
}
