/**
 * The real web host on a random port: the token and Origin guard, a request round trip over a
 * real WebSocket, static files, and a tiny training run in a real forked trainer process.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startWebServer, type RunningWebServer } from '../../electron/web/server';
import type { TrainerEvent } from '../../engine/train/protocol';

let dir: string;
let server: RunningWebServer;
let origin: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netcanvas-web-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>NetCanvas test page</title>');
  await writeFile(join(dir, 'app.js'), 'console.log(1)');
  server = await startWebServer({ rendererDir: dir, dataDir: join(dir, 'data') });
  origin = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens a socket; resolves with it once open, or rejects with the HTTP status of the refusal. */
function connect(query: string, headers: Record<string, string> = { Origin: origin }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

interface Message {
  kind: string;
  id?: number;
  ok?: boolean;
  result?: unknown;
  error?: string;
  name?: string;
  payload?: unknown;
}

function client(ws: WebSocket) {
  let nextId = 1;
  const events: Message[] = [];
  const waiting = new Map<number, (m: Message) => void>();
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Message;
    if (m.kind === 'event') events.push(m);
    else if (m.id !== undefined) waiting.get(m.id)?.(m);
  });
  return {
    events,
    request(name: string, args: unknown): Promise<Message> {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ kind: 'request', id, name, args }));
      });
    },
  };
}

describe('web host', () => {
  it('prints a loopback URL with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(server.url).toContain(server.token);
  });

  it('refuses the API without the token, with a wrong token, or from a foreign or missing Origin', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 403');
    await expect(connect('?token=wrong')).rejects.toThrow('HTTP 403');
    await expect(connect(`?token=${server.token}`, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect(`?token=${server.token}`, { Origin: 'http://127.0.0.1:1' })).rejects.toThrow('HTTP 403');
    await expect(connect(`?token=${server.token}`, {})).rejects.toThrow('HTTP 403');
    const ok = await connect(`?token=${server.token}`);
    ok.close();
  });

  it('answers requests over the socket: templates.list, and a bad payload as an error message', async () => {
    const ws = await connect(`?token=${server.token}`);
    const c = client(ws);
    const list = await c.request('templates.list', {});
    expect(list).toMatchObject({ kind: 'response', id: 1, ok: true });
    expect((list.result as { id: string }[]).map((t) => t.id)).toEqual(expect.arrayContaining(['lenet5', 'mlp', 'resnet-small']));
    expect(await c.request('file.read', { path: 12 })).toEqual({
      kind: 'response',
      id: 2,
      ok: false,
      error: expect.stringMatching(/^file\.read: path: .*string/),
    });
    expect(await c.request('no.such', {})).toEqual({ kind: 'response', id: 3, ok: false, error: 'unknown request "no.such"' });
    ws.close();
  });

  it('serves the renderer’s files with a CSP, and nothing outside its folder', async () => {
    const page = await fetch(`${origin}/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await page.text()).toContain('NetCanvas test page');
    const script = await fetch(`${origin}/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${origin}/missing.js`)).status).toBe(404);
    expect((await fetch(`${origin}/..%2f..%2fetc%2fpasswd`)).status).toBeGreaterThanOrEqual(403);
    expect((await fetch(`${origin}/`, { method: 'POST' })).status).toBe(405);
  });

  it('trains a tiny run in a real forked trainer and streams its events', async () => {
    const ws = await connect(`?token=${server.token}`);
    const c = client(ws);
    const graph = JSON.parse(await readFile('templates/mlp.json', 'utf8')) as Record<string, unknown>;
    const started = await c.request('train.start', {
      graph,
      dataset: { source: 'embedded:mnist', limit: 256, testLimit: 64 },
      config: { epochs: 1, batchSize: 32 },
    });
    expect(started).toMatchObject({ ok: true, result: { runId: expect.stringMatching(/^run-/) } });
    const runId = (started.result as { runId: string }).runId;
    const terminal = await new Promise<TrainerEvent>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no final event; got ${c.events.map((e) => (e.payload as TrainerEvent).type).join(', ')}`)),
        120_000,
      );
      const poll = setInterval(() => {
        const last = c.events.map((e) => e.payload as TrainerEvent).find((e) => e.type === 'done' || e.type === 'error');
        if (!last) return;
        clearInterval(poll);
        clearTimeout(timer);
        resolve(last);
      }, 50);
    });
    const types = c.events.map((e) => (e.payload as TrainerEvent).type);
    expect(c.events.every((e) => e.name === 'train.event' && (e.payload as TrainerEvent).runId === runId)).toBe(true);
    expect(terminal).toMatchObject({ type: 'done', stopped: false, metrics: { epochsCompleted: 1 } });
    expect(types[0]).toBe('started');
    expect(types).toContain('batch');
    expect(types).toContain('epoch');
    ws.close();
  }, 150_000);

  it('stops a real run on request: the trainer reports done with stopped: true', async () => {
    const ws = await connect(`?token=${server.token}`);
    const c = client(ws);
    const graph = JSON.parse(await readFile('templates/mlp.json', 'utf8')) as Record<string, unknown>;
    const started = await c.request('train.start', {
      graph,
      dataset: { source: 'embedded:mnist', limit: 4096, testLimit: 64 },
      config: { epochs: 20, batchSize: 32 },
    });
    const runId = (started.result as { runId: string }).runId;
    const payloads = () => c.events.map((e) => e.payload as TrainerEvent);
    await vi.waitFor(() => expect(payloads().some((e) => e.type === 'batch')).toBe(true), { timeout: 120_000, interval: 50 });
    expect(await c.request('train.stop', { runId })).toMatchObject({ ok: true, result: { stopped: true } });
    await vi.waitFor(() => expect(payloads().some((e) => e.type === 'done' || e.type === 'error')).toBe(true), {
      timeout: 60_000,
      interval: 50,
    });
    expect(payloads().find((e) => e.type === 'done' || e.type === 'error')).toMatchObject({ type: 'done', runId, stopped: true });
    ws.close();
  }, 200_000);
});
