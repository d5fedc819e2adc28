import { describe, expect, it, vi } from 'vitest';
import { apiUrl, createWebClient } from '../../renderer/src/host/webClient';

/** A WebSocket double: records what the client sends and lets the test play the server. */
class FakeSocket extends EventTarget {
  sent: unknown[] = [];
  constructor(readonly url: string) {
    super();
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  open() {
    this.dispatchEvent(new Event('open'));
  }
  serverSends(message: unknown) {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(message) }));
  }
  drop(code = 1006) {
    // Node has no CloseEvent; the client reads only `code`.
    this.dispatchEvent(Object.assign(new Event('close'), { code }));
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const client = createWebClient('ws://x/api?token=t', (url) => {
    const s = new FakeSocket(url);
    sockets.push(s);
    return s as unknown as WebSocket;
  });
  return { client, sockets };
}

describe('web host client (wire protocol)', () => {
  it('builds the API URL from the page: same host, ws or wss, the page token', () => {
    expect(apiUrl({ protocol: 'http:', host: '127.0.0.1:5173', search: '?token=abc%2B1' })).toBe('ws://127.0.0.1:5173/api?token=abc%2B1');
    expect(apiUrl({ protocol: 'https:', host: 'h', search: '' })).toBe('wss://h/api?token=');
  });

  it('sends numbered requests and resolves or rejects them by id', async () => {
    const { client, sockets } = setup();
    const socket = sockets[0]!;
    const info = client.request('host.info', {});
    const bad = client.request('file.read', { path: '/nope' });
    socket.open();
    await vi.waitFor(() => expect(socket.sent).toHaveLength(2));
    expect(socket.sent[0]).toEqual({ kind: 'request', id: 1, name: 'host.info', args: {} });
    expect(socket.sent[1]).toEqual({ kind: 'request', id: 2, name: 'file.read', args: { path: '/nope' } });
    socket.serverSends({ kind: 'response', id: 2, ok: false, error: 'no such file: /nope' });
    socket.serverSends({ kind: 'response', id: 1, ok: true, result: { kind: 'web' } });
    await expect(info).resolves.toEqual({ kind: 'web' });
    await expect(bad).rejects.toThrow('no such file: /nope');
  });

  it('delivers events to their listeners until unsubscribed', () => {
    const { client, sockets } = setup();
    const seen: unknown[] = [];
    const off = client.on('train.event', (e) => seen.push(e));
    sockets[0]!.open();
    sockets[0]!.serverSends({ kind: 'event', name: 'train.event', payload: { type: 'log', runId: 'r', message: 'hi' } });
    sockets[0]!.serverSends({ kind: 'event', name: 'menu.command', payload: { command: 'undo' } });
    off();
    sockets[0]!.serverSends({ kind: 'event', name: 'train.event', payload: { type: 'log', runId: 'r', message: 'again' } });
    expect(seen).toEqual([{ type: 'log', runId: 'r', message: 'hi' }]);
  });

  it('reports a lost connection, fails pending requests with a clear message, and reconnects', async () => {
    vi.useFakeTimers();
    try {
      const { client, sockets } = setup();
      const states: string[] = [];
      client.onConnectionChange((s) => states.push(s));
      sockets[0]!.open();
      const pending = client.request('templates.list', {});
      sockets[0]!.drop();
      await expect(pending).rejects.toThrow('the connection to NetCanvas was lost');
      await expect(client.request('host.info', {})).rejects.toThrow('not connected');
      vi.advanceTimersByTime(600);
      expect(sockets).toHaveLength(2);
      sockets[1]!.open();
      expect(states).toEqual(['open', 'lost', 'open']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a request over the message limit before sending it, and names the limit when the host drops one (1009)', async () => {
    const { client, sockets } = setup();
    const socket = sockets[0]!;
    socket.open();
    const big = client.request('file.write', { path: '/x.json', text: '漢'.repeat(28 * 1024 * 1024) });
    await expect(big).rejects.toThrow(/^this request is 84 MiB, more than the 80 MiB the web host accepts in one message$/);
    expect(socket.sent).toHaveLength(0);
    const pending = client.request('host.info', {});
    await vi.waitFor(() => expect(socket.sent).toHaveLength(1));
    socket.drop(1009);
    await expect(pending).rejects.toThrow('the request was larger than the 80 MiB the web host accepts in one message');
  });
});
