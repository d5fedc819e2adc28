/**
 * The web host: the built renderer over HTTP and the API over a WebSocket at /api, on loopback
 * only. Static files are public (they hold nothing private); the API requires the random token
 * from the page URL and an Origin of this very server, so other local pages and programs without
 * the URL cannot drive it. The Host header must name this server too (no DNS rebinding).
 *
 * One bad connection never takes the host down: a frame that breaks the WebSocket protocol
 * (invalid UTF-8, a payload over MAX_MESSAGE_BYTES, refused from its header) closes that socket
 * only, with the protocol's code, and is logged once; a client that stops reading its answers is
 * dropped before they fill memory; at most MAX_CLIENTS connections are served at once.
 *
 * Wire protocol (renderer/src/host/webClient.ts speaks it):
 *   client → server  {kind:"request", id, name, args}
 *   server → client  {kind:"response", id, ok:true, result} | {kind:"response", id, ok:false, error}
 *                    {kind:"event", name, payload}
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { envBesideUi } from '../../engine/train/backends/threads';
import { startTrainerProcess, startWorkerProcess, type InspectRequest } from '../../engine/train/processClient';
import { MAX_MESSAGE_BYTES } from '../api/contract';
import { handleRequest } from '../services/dispatcher';
import { engineExporter, type ExporterLoader } from '../services/export';
import { createServices, defaultDataDir } from '../services/index';
import { createPytorchLauncher } from '../services/pytorchTrainer';
import type { MapsWorkerLauncher } from '../services/featureMaps';
import type { StartRequest, TrainerLauncher } from '../services/training';
import type { EventSink, Services, ShellService } from '../services/types';
import { serveStatic } from './static';

export interface WebServerOptions {
  /** 0 or omitted: a free port chosen by the system. */
  readonly port?: number;
  readonly host?: string;
  /** The built renderer (dist/renderer). */
  readonly rendererDir: string;
  readonly templatesDir?: string;
  readonly dataDir?: string;
  /** Tests fix the token; otherwise 32 random bytes. */
  readonly token?: string;
  readonly launchTrainer?: TrainerLauncher;
  /** Starts the process that measures runs (MC dropout, ensembles); default: a forked trainer. */
  readonly launchInspector?: TrainerLauncher<InspectRequest>;
  /** Default: the PyTorch runner with the Pythons it finds itself. */
  readonly launchPytorchTrainer?: TrainerLauncher;
  /** Default: the trainer entry forked and kept warm for feature maps. */
  readonly launchMapsWorker?: MapsWorkerLauncher;
  readonly loadExporter?: ExporterLoader;
  /** Where one line per dropped connection goes; default: stderr. */
  readonly log?: (line: string) => void;
}

export interface RunningWebServer {
  /** The page to open, token included: http://127.0.0.1:PORT/?token=… */
  readonly url: string;
  readonly token: string;
  readonly port: number;
  readonly services: Services;
  close(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Tabs of one user; more is a runaway script. Each may buffer one message of MAX_MESSAGE_BYTES. */
const MAX_CLIENTS = 64;
/** Answers a client has not read yet: past this it is not reading, and is dropped. */
const MAX_UNREAD_BYTES = 256 * 1024 * 1024;
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** The web host has no native dialogs or window: the UI shows its own path dialog. */
const webShell: ShellService = {
  openDialog: async () => ({ path: null, unsupported: true }),
  saveDialog: async () => ({ path: null, unsupported: true }),
  setTitle: () => {},
};

const forkedTrainer: TrainerLauncher<StartRequest | InspectRequest> = (request, onEvent) => {
  const run = startTrainerProcess(request, onEvent, { env: envBesideUi() });
  return { stop: () => run.stop(), kill: () => run.kill() };
};

const forkedMapsWorker: MapsWorkerLauncher = (onMessage, onExit) => startWorkerProcess(onMessage, onExit, { env: envBesideUi() });

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why an upgrade to /api is refused, or null when it is allowed. */
export function refuseUpgrade(req: Pick<IncomingMessage, 'url' | 'headers'>, token: string, port: number): string | null {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/api') return 'not found';
  if (!hostAllowed(req.headers.host, port)) return 'wrong Host header';
  if (!sameSecret(url.searchParams.get('token') ?? '', token)) return 'missing or wrong token';
  const origin = req.headers.origin;
  if (!origin || !LOOPBACK_NAMES.some((name) => origin === `http://${name}:${port}`)) return 'foreign or missing Origin';
  return null;
}

function hostAllowed(host: string | undefined, port: number): boolean {
  return !!host && LOOPBACK_NAMES.some((name) => host === `${name}:${port}`);
}

const STATUS_TEXT: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' };

function refuseSocket(socket: Duplex, status: number, why: string): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${why}\n`);
}

/** Why ws closed a connection, in words for the host's log. */
function describeSocketError(err: Error & { code?: string }): string {
  switch (err.code) {
    case 'WS_ERR_INVALID_UTF8':
      return 'it sent a text message that is not valid UTF-8';
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
      return `it sent a message larger than the ${MAX_MESSAGE_BYTES / 1024 / 1024} MiB the host accepts`;
    default:
      return `the WebSocket protocol was broken (${err.message})`;
  }
}

export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(32).toString('base64url');
  const dataDir = options.dataDir ?? defaultDataDir();
  const services = createServices({
    kind: 'web',
    version: packageVersion(),
    dataDir,
    templatesDir: options.templatesDir ?? `${REPO_ROOT}templates`,
    launchTrainer: options.launchTrainer ?? forkedTrainer,
    launchPytorchTrainer: options.launchPytorchTrainer ?? createPytorchLauncher(),
    launchMapsWorker: options.launchMapsWorker ?? forkedMapsWorker,
    launchInspector: options.launchInspector ?? forkedTrainer,
    loadExporter: options.loadExporter ?? engineExporter,
    shell: webShell,
  });

  let port = 0;
  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, port)) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('Forbidden: wrong Host header\n');
      return;
    }
    serveStatic(req, res, options.rendererDir, `http://${req.headers.host}`).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const log = options.log ?? ((line: string) => process.stderr.write(`netcanvas web: ${line}\n`));

  server.on('upgrade', (req, socket, head) => {
    // Node hands the raw socket over without an error handler: a reset here must not end the host.
    socket.on('error', () => socket.destroy());
    const refused = refuseUpgrade(req, token, port);
    if (refused) return refuseSocket(socket, refused === 'not found' ? 404 : 403, refused);
    if (sockets.clients.size >= MAX_CLIENTS) return refuseSocket(socket, 503, `too many connections (at most ${MAX_CLIENTS})`);
    sockets.handleUpgrade(req, socket, head, (ws) => serveClient(ws, services, log));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    services,
    close: async () => {
      services.training.dispose();
      services.featureMaps.dispose();
      services.inspection.dispose();
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serveClient(ws: WebSocket, services: Services, log: (line: string) => void): void {
  const reply = (message: unknown) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_UNREAD_BYTES) {
      log(`closed a connection: it did not read ${Math.round(ws.bufferedAmount / 1024 / 1024)} MiB of answers`);
      return ws.terminate();
    }
    ws.send(JSON.stringify(message));
  };
  const sender: EventSink = {
    send(event, payload) {
      reply({ kind: 'event', name: event, payload });
    },
  };
  // ws has already closed the socket with the protocol's code (1007, 1009…); say why, once.
  ws.once('error', (err) => log(`closed a connection: ${describeSocketError(err)}`));
  ws.on('error', () => undefined);
  ws.on('message', (data, isBinary) => {
    let message: { kind?: unknown; id?: unknown; name?: unknown; args?: unknown };
    try {
      message = JSON.parse(isBinary ? '' : data.toString()) as typeof message;
    } catch {
      return reply({ kind: 'response', id: null, ok: false, error: 'the message is not JSON' });
    }
    const id = message?.id;
    if (message?.kind !== 'request' || typeof id !== 'number') {
      return reply({
        kind: 'response',
        id: typeof id === 'number' ? id : null,
        ok: false,
        error: 'expected {"kind":"request","id":<number>,"name":…,"args":…}',
      });
    }
    void handleRequest(services, message.name, message.args, sender).then((answer) => reply({ kind: 'response', id, ...answer }));
  });
  // A closed tab cannot watch its run: stop it rather than train for nobody.
  ws.on('close', () => services.training.stopAllFor(sender));
}
