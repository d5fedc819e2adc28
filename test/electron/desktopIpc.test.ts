/** IPC requests from the renderer: the sender check, then the contract's validation. */
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createIpcRequestHandler, senderRefusal, type IpcEventLike } from '../../electron/desktop/ipc';
import { createServices } from '../../electron/services/index';
import type { EventSink } from '../../electron/services/types';

const services = createServices({
  kind: 'desktop',
  version: '1.0.0',
  dataDir: '/nonexistent/netcanvas-data',
  templatesDir: resolve('templates'),
  launchTrainer: () => ({ stop() {}, kill() {} }),
  loadExporter: async () => null,
  shell: { openDialog: async () => ({ path: '/picked.json' }), saveDialog: async () => ({ path: null }), setTitle: () => {} },
});
const sink: EventSink = { send: vi.fn() };
const handler = createIpcRequestHandler({ services, trustedWebContentsIds: () => [7], sinkFor: () => sink });
const ours: IpcEventLike = { sender: { id: 7 }, senderFrame: { url: 'netcanvas://app/index.html', parent: null } };

describe('IPC sender check', () => {
  it('accepts only our window’s main frame showing our page', () => {
    expect(senderRefusal(ours, [7])).toBeNull();
    expect(senderRefusal({ ...ours, sender: { id: 8 } }, [7])).toBe('unknown sender');
    expect(senderRefusal({ sender: { id: 7 }, senderFrame: { url: 'https://evil.example/', parent: null } }, [7])).toMatch(
      /must come from the NetCanvas page/,
    );
    expect(senderRefusal({ sender: { id: 7 }, senderFrame: { url: 'file:///tmp/x.html', parent: null } }, [7])).toMatch(
      /must come from the NetCanvas page/,
    );
    expect(senderRefusal({ sender: { id: 7 }, senderFrame: { url: 'netcanvas://app/index.html', parent: {} } }, [7])).toBe(
      'requests must come from the main frame',
    );
    expect(senderRefusal({ sender: { id: 7 }, senderFrame: null }, [7])).toBe('the sending frame is gone');
  });

  it('refuses unknown senders before looking at the request', async () => {
    expect(await handler({ sender: { id: 99 }, senderFrame: ours.senderFrame }, 'templates.list', {})).toEqual({
      ok: false,
      error: 'request refused: unknown sender',
    });
    expect(
      await handler({ sender: { id: 7 }, senderFrame: { url: 'https://evil.example/' } }, 'file.read', { path: '/etc/passwd' }),
    ).toEqual({
      ok: false,
      error: 'request refused: requests must come from the NetCanvas page, not https://evil.example/',
    });
  });

  it('rejects bad payloads and unknown requests with messages the UI shows', async () => {
    expect(await handler(ours, 'file.write', { path: '/tmp/x.json' })).toEqual({
      ok: false,
      error: expect.stringMatching(/^file\.write: text: /),
    });
    expect(await handler(ours, 'shell.exec', { cmd: 'rm -rf /' })).toEqual({ ok: false, error: 'unknown request "shell.exec"' });
    expect(await handler(ours, 'window.setTitle', { title: 5, dirty: 'yes' })).toMatchObject({ ok: false });
    expect(await handler(ours, 'train.stop', null)).toMatchObject({ ok: false, error: expect.stringMatching(/^train\.stop: runId/) });
  });

  it('runs valid requests from our page', async () => {
    const reply = await handler(ours, 'templates.list', {});
    expect(reply.ok).toBe(true);
    expect(await handler(ours, 'file.openDialog', { kind: 'graph' })).toEqual({ ok: true, result: { path: '/picked.json' } });
  });
});
