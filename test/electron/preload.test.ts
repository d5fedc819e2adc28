/** The preload exposes only `window.netcanvas`, over invoke and the events port. */
import { describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(),
  portHandlers: [] as ((event: { ports: unknown[] }) => void)[],
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => fake.exposed.set(key, value) },
  ipcRenderer: {
    invoke: fake.invoke,
    on: (channel: string, fn: (event: { ports: unknown[] }) => void) => {
      if (channel === 'netcanvas:events-port') fake.portHandlers.push(fn);
    },
  },
}));

type Api = import('../../electron/api/contract').NetCanvasApi;

describe('preload', async () => {
  await import('../../electron/desktop/preload');
  const api = fake.exposed.get('netcanvas') as Api;

  it('exposes exactly one API with request and on, nothing of Electron or Node', () => {
    expect([...fake.exposed.keys()]).toEqual(['netcanvas']);
    expect(Object.keys(api).sort()).toEqual(['on', 'request']);
  });

  it('requests go through invoke; a refused request rejects with the host’s message', async () => {
    fake.invoke.mockResolvedValueOnce({ ok: true, result: [{ id: 'lenet5' }] });
    expect(await api.request('templates.list', {})).toEqual([{ id: 'lenet5' }]);
    expect(fake.invoke).toHaveBeenCalledWith('netcanvas:request', 'templates.list', {});
    fake.invoke.mockResolvedValueOnce({ ok: false, error: 'file.read: path: Invalid input' });
    await expect(api.request('file.read', { path: '' })).rejects.toThrow('file.read: path: Invalid input');
  });

  it('delivers events from the port; events before any listener wait for the first one', () => {
    const port: { onmessage: ((m: { data: unknown }) => void) | null } = { onmessage: null };
    fake.portHandlers[0]!({ ports: [port] });
    port.onmessage!({ data: { name: 'file.openRequested', payload: { path: '/a.json' } } });
    const opened = vi.fn();
    api.on('file.openRequested', opened);
    expect(opened).toHaveBeenCalledWith({ path: '/a.json' });
    const commands = vi.fn();
    const off = api.on('menu.command', commands);
    port.onmessage!({ data: { name: 'menu.command', payload: { command: 'save' } } });
    off();
    port.onmessage!({ data: { name: 'menu.command', payload: { command: 'undo' } } });
    expect(commands.mock.calls).toEqual([[{ command: 'save' }]]);
    port.onmessage!({ data: 'garbage' });
  });
});
