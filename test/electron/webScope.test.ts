/**
 * Scoped file access on the web host, over its real WebSocket with the token: what the page may
 * reach is what the user chose in its path prompt (`file.allow`), the data folder and the
 * templates; /etc, /proc, traversal and symbolic links out of a chosen folder are refused.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWebServer } from '../../electron/web/server';
import { openRawSocket, type RawSocket } from '../helpers/rawSocket';

let dir: string;
let server: RunningWebServer;
let ws: RawSocket;
let nextId = 1;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netcanvas-web-scope-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html>');
  await mkdir(join(dir, 'chosen'));
  await mkdir(join(dir, 'other'));
  await writeFile(join(dir, 'other', 'secret.json'), '{"secret":1}');
  await writeFile(join(dir, 'chosen', 'net.json'), '{"format":"netcanvas.graph"}');
  await symlink(join(dir, 'other', 'secret.json'), join(dir, 'chosen', 'link.json'));
  server = await startWebServer({ rendererDir: dir, dataDir: join(dir, 'data'), log: () => {} });
  ws = await openRawSocket(server.port, server.token);
});
afterAll(async () => {
  ws?.end();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function call(name: string, args: unknown): Promise<{ ok: boolean; result?: unknown; error?: string }> {
  const id = nextId++;
  ws.sendText(JSON.stringify({ kind: 'request', id, name, args }));
  for (;;) {
    const text = ws.messages.find((m) => (JSON.parse(m) as { id?: number }).id === id);
    if (text) return JSON.parse(text) as { ok: boolean; result?: unknown; error?: string };
    await ws.changed(5000);
  }
}

describe('web host file scope', () => {
  it('refuses /etc/passwd and /proc/self/environ with the token, in words', async () => {
    expect(await call('file.read', { path: '/etc/passwd' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Could not open \/etc\/passwd: it is not a file or folder you chose in NetCanvas/),
    });
    expect(await call('file.read', { path: '/proc/self/environ' })).toMatchObject({
      ok: false,
      error: 'Could not open /proc/self/environ: NetCanvas does not open system files',
    });
    expect((await call('file.list', { dir: '/etc' })).ok).toBe(false);
    expect((await call('dataset.sample', { source: '/etc' })).error).toMatch(/is not a file or folder you chose in NetCanvas/);
    expect((await call('file.import', { path: '/etc/passwd' })).ok).toBe(false);
  });

  it("the page's prompt may choose an ordinary folder, never /proc, /etc, a hidden folder or the whole home", async () => {
    expect(await call('file.allow', { path: join(dir, 'chosen'), kind: 'folder' })).toMatchObject({
      ok: true,
      result: { path: join(dir, 'chosen'), allowed: true },
    });
    for (const [path, why] of [
      ['/proc/self', 'NetCanvas does not open system files'],
      ['/etc', 'it is in a system folder (/etc)'],
      [join(homedir(), '.ssh'), 'it is hidden'],
      [homedir(), 'the whole disk or your whole home folder'],
    ] as const) {
      expect((await call('file.allow', { path, kind: 'folder' })).error).toContain(why);
    }
  });

  it('inside a chosen folder: reads and writes work; .. and a link out of it are refused', async () => {
    expect(await call('file.read', { path: join(dir, 'chosen', 'net.json') })).toMatchObject({ ok: true });
    expect(await call('file.write', { path: join(dir, 'chosen', 'saved.json'), text: '{}' })).toMatchObject({ ok: true });
    expect((await call('file.write', { path: `${join(dir, 'chosen')}/../other/evil.json`, text: '{}' })).error).toMatch(
      /it is not a file or folder you chose/,
    );
    expect((await call('file.read', { path: join(dir, 'chosen', 'link.json') })).error).toContain(
      `(it leads to ${join(dir, 'other', 'secret.json')})`,
    );
    expect((await call('export.write', { graph: {}, target: 'onnx', path: join(dir, 'other', 'x.onnx') })).ok).toBe(false);
  });

  it('the templates, their datasets and the embedded data stay usable', async () => {
    expect(await call('templates.read', { id: 'lenet5' })).toMatchObject({ ok: true });
    expect(await call('dataset.sample', { source: 'embedded:mnist' })).toMatchObject({ ok: true, result: { label: 7 } });
  });
});
