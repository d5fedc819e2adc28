/**
 * A WebSocket client that writes frames byte by byte, so tests can send what no well-behaved
 * library would: invalid UTF-8 text, a header that declares a gigantic payload, a frame cut short.
 * Loopback only; enough of RFC 6455 for the web host's tests (client frames masked, server frames
 * read unmasked, no extensions).
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface RawSocket {
  /** A text frame; `payload` bytes as given (they need not be valid UTF-8). */
  sendText(payload: Buffer | string): void;
  /** A frame whose header declares `declared` bytes, followed by only a few. */
  sendLengthLie(declared: number): void;
  /** Text messages received so far. */
  readonly messages: string[];
  /** Resolves at the next message or close (or after `ms`). */
  changed(ms: number): Promise<void>;
  /** The close code the server sent, or null while open. */
  closeCode(): number | null;
  readonly closed: Promise<void>;
  end(): void;
}

function frame(opcode: number, payload: Buffer, declared = payload.length): Buffer {
  const mask = randomBytes(4);
  const head: number[] = [0x80 | opcode];
  if (declared < 126) head.push(0x80 | declared);
  else if (declared < 65536) head.push(0x80 | 126, declared >> 8, declared & 0xff);
  else {
    head.push(0x80 | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(declared));
    head.push(...big);
  }
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!;
  return Buffer.concat([Buffer.from(head), mask, body]);
}

/** Opens /api on the given port with the token and a same-origin Origin header. */
export function openRawSocket(port: number, token: string): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const key = randomBytes(16).toString('base64');
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    let code: number | null = null;
    const messages: string[] = [];
    let wake: (() => void)[] = [];
    const notify = () => {
      const waiting = wake;
      wake = [];
      for (const w of waiting) w();
    };
    let markClosed!: () => void;
    const closed = new Promise<void>((r) => (markClosed = r));
    socket.on('error', (err) => (upgraded ? undefined : reject(err)));
    socket.on('close', () => {
      markClosed();
      notify();
    });
    socket.on('connect', () => {
      socket.write(
        `GET /api?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n` +
          `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    const parse = () => {
      for (;;) {
        if (buffer.length < 2) return;
        const opcode = buffer[0]! & 0x0f;
        let length = buffer[1]! & 0x7f;
        let at = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          at = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          at = 10;
        }
        if (buffer.length < at + length) return;
        const payload = buffer.subarray(at, at + length);
        buffer = buffer.subarray(at + length);
        if (opcode === 1) messages.push(payload.toString('utf8'));
        if (opcode === 8) code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        notify();
      }
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 4);
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(head.split('\r\n')[0]));
        upgraded = true;
        resolve({
          sendText: (payload) => void (socket.writable && socket.write(frame(1, Buffer.from(payload)))),
          sendLengthLie: (declared) => void (socket.writable && socket.write(frame(1, Buffer.from('{"kind":'), declared))),
          messages,
          changed: (ms) =>
            new Promise<void>((r) => {
              const timer = setTimeout(r, ms);
              wake.push(() => {
                clearTimeout(timer);
                r();
              });
            }),
          closeCode: () => code,
          closed,
          end: () => socket.destroy(),
        });
      }
      parse();
    });
  });
}
