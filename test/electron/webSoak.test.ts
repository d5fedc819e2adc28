/**
 * The web host under abuse, on loopback: frames that break the WebSocket protocol (invalid UTF-8,
 * a payload over the limit) close that one socket and are logged once; the host keeps serving.
 * The soak sends 10,000 mixed valid, invalid and oversized frames over 50 sockets and then checks
 * that every valid request was answered and that the host still answers new clients.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../electron/api/contract';
import { startWebServer, type RunningWebServer } from '../../electron/web/server';
import { openRawSocket, type RawSocket } from '../helpers/rawSocket';
import { spawnWebHost } from '../helpers/webHostProcess';

let dir: string;
let server: RunningWebServer;
const logged: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netcanvas-soak-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>test</title>');
  server = await startWebServer({
    rendererDir: dir,
    dataDir: join(dir, 'data'),
    log: (line) => logged.push(line),
    launchTrainer: () => {
      throw new Error('no trainer in this test');
    },
  });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Waits for the answer to request `id`, or for the socket to close. */
async function answer(ws: RawSocket, id: number | null, timeoutMs = 10_000): Promise<Record<string, unknown> | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const text of ws.messages) {
      const m = JSON.parse(text) as Record<string, unknown>;
      if (m['kind'] === 'response' && m['id'] === id) {
        ws.messages.splice(ws.messages.indexOf(text), 1);
        return m;
      }
    }
    if (ws.closeCode() !== null || Date.now() > deadline) return null;
    await ws.changed(deadline - Date.now());
  }
}

const INVALID_UTF8 = Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]);

describe('web host socket errors', () => {
  it('one bad frame never ends the host process (it did: no error handler on the socket)', async () => {
    const host = await spawnWebHost(dir, join(dir, 'data-process'));
    try {
      for (const bad of [(ws: RawSocket) => ws.sendText(INVALID_UTF8), (ws: RawSocket) => ws.sendLengthLie(MAX_MESSAGE_BYTES + 1)]) {
        const ws = await openRawSocket(host.port, host.token);
        bad(ws);
        await ws.closed;
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(host.alive()).toBe(true);
      const ws = await openRawSocket(host.port, host.token);
      ws.sendText(JSON.stringify({ kind: 'request', id: 1, name: 'host.info', args: {} }));
      expect(await answer(ws, 1)).toMatchObject({ ok: true });
      ws.end();
    } finally {
      host.stop();
    }
  }, 60_000);

  it('an invalid UTF-8 frame closes that socket only (1007), logged once; others keep working', async () => {
    const bad = await openRawSocket(server.port, server.token);
    const good = await openRawSocket(server.port, server.token);
    bad.sendText(INVALID_UTF8);
    await bad.closed;
    expect(bad.closeCode()).toBe(1007);
    good.sendText(JSON.stringify({ kind: 'request', id: 1, name: 'host.info', args: {} }));
    expect(await answer(good, 1)).toMatchObject({ ok: true, result: { kind: 'web' } });
    expect(logged.filter((l) => /not valid UTF-8/.test(l))).toHaveLength(1);
    good.end();
  });

  it('a frame over the limit is refused from its header (1009) without buffering it', async () => {
    const ws = await openRawSocket(server.port, server.token);
    const before = process.memoryUsage().rss;
    ws.sendLengthLie(MAX_MESSAGE_BYTES + 1);
    await ws.closed;
    expect(ws.closeCode()).toBe(1009);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    expect(logged.some((l) => l.includes(`larger than the ${MAX_MESSAGE_BYTES / 1024 / 1024} MiB`))).toBe(true);
  });

  it('a file.write the contract refuses (28 Mi CJK characters, 84 MiB) is answered with a refusal, not a crash', async () => {
    const ws = await openRawSocket(server.port, server.token);
    const text = '漢'.repeat(28 * 1024 * 1024);
    ws.sendText(JSON.stringify({ kind: 'request', id: 7, name: 'file.write', args: { path: join(dir, 'big.json'), text } }));
    const reply = await answer(ws, 7, 30_000);
    // Either the frame limit closes the socket (1009) or the contract answers; the host survives both.
    if (reply) expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(/file\.write: text: .*64 MiB/) });
    else expect(ws.closeCode()).toBe(1009);
    ws.end();
    const next = await openRawSocket(server.port, server.token);
    next.sendText(JSON.stringify({ kind: 'request', id: 2, name: 'host.info', args: {} }));
    expect(await answer(next, 2)).toMatchObject({ ok: true });
    next.end();
  }, 60_000);
});

describe('web host soak', () => {
  it('10,000 mixed frames over 50 sockets: every valid request answered, the host still serves', async () => {
    let seed = 20;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const stats = { valid: 0, answered: 0, bad: 0, refused: 0, fatal: 0, unanswered: [] as string[] };
    const validRequests = [
      { name: 'host.info', args: {} },
      { name: 'templates.list', args: {} },
      { name: 'recent.list', args: {} },
      { name: 'file.read', args: { path: join(dir, 'nope.json') } },
      { name: 'export.code', args: { graph: { nodes: 1 }, target: 'pytorch' } },
    ];
    // Each bad frame and the id its refusal carries (null when the frame has no usable id).
    const badFrames: [string, number | null][] = [
      ['not json', null],
      ['{"kind":"request","id":"x"}', null],
      [JSON.stringify({ kind: 'request', id: 5, name: 'file.delete', args: {} }), 5],
      [JSON.stringify({ kind: 'request', id: 5, name: 'file.read', args: { path: 7 } }), 5],
      [JSON.stringify([1, 2, 3]), null],
      ['null', null],
      [JSON.stringify({ kind: 'request', id: 5, name: 'train.stop', args: { runId: 'x'.repeat(1000) } }), 5],
      [JSON.stringify({ kind: 'event', id: 5 }), 5],
    ];
    const sockets = 50;
    const framesPerSocket = 200;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: sockets }, async (_, s) => {
        let ws = await openRawSocket(server.port, server.token);
        for (let f = 0; f < framesPerSocket; f++) {
          const id = s * 1000 + f;
          const roll = random();
          if (roll < 0.5) {
            const r = validRequests[Math.floor(random() * validRequests.length)]!;
            stats.valid++;
            ws.sendText(JSON.stringify({ kind: 'request', id, ...r }));
            const reply = await answer(ws, id);
            if (reply && typeof reply['ok'] === 'boolean') stats.answered++;
            else stats.unanswered.push(`${r.name} on socket ${s}, frame ${f}`);
          } else if (roll < 0.94) {
            const [text, replyId] = badFrames[Math.floor(random() * badFrames.length)]!;
            stats.bad++;
            ws.sendText(text);
            if ((await answer(ws, replyId))?.['ok'] === false) stats.refused++;
          } else {
            // Fatal to this socket: invalid UTF-8 or a payload over the limit. Reconnect after.
            stats.fatal++;
            if (roll < 0.97) ws.sendText(INVALID_UTF8);
            else ws.sendLengthLie(MAX_MESSAGE_BYTES + 1 + Math.floor(random() * 1e9));
            await ws.closed;
            ws = await openRawSocket(server.port, server.token);
          }
        }
        ws.end();
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(stats.unanswered).toEqual([]);
    expect(stats.answered).toBe(stats.valid);
    expect(stats.refused).toBe(stats.bad);
    expect(stats.fatal).toBeGreaterThan(200);
    expect(logged.length).toBeGreaterThanOrEqual(stats.fatal);
    const after = await openRawSocket(server.port, server.token);
    after.sendText(JSON.stringify({ kind: 'request', id: 1, name: 'templates.list', args: {} }));
    expect(await answer(after, 1)).toMatchObject({ ok: true });
    after.end();
    console.log(
      `soak: ${sockets * framesPerSocket} frames over ${sockets} sockets in ${seconds.toFixed(1)} s: ${stats.valid} valid (all answered), ${stats.bad} malformed (all refused with a reply), ${stats.fatal} fatal to their socket (closed, logged, reconnected)`,
    );
  }, 120_000);
});
