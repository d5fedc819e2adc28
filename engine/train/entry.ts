/**
 * The trainer process. Started with `child_process.fork` (CLI, web host) or Electron's
 * `utilityProcess.fork` (desktop); speaks engine/train/protocol.ts over whichever channel it has:
 * `process.parentPort` in a utility process, else `process.send`/`process.on('message')`.
 * One run at a time; `stop` aborts it within a batch. Exits when its parent goes away. A host also
 * keeps one warm for feature maps (`featureMaps` requests, engine/inspect/protocol.ts), and starts
 * one per measurement of runs (`inspect` requests: MC dropout, ensembles; engine/inspect/jobs.ts),
 * answered by one `inspected` event.
 */
import { isMapsRequest, type MapsReply } from '../inspect/protocol';
import type { TrainerEvent, TrainerRequest } from './protocol';
import { InspectError, runInspectJob, type InspectJob } from '../inspect/jobs';
import { train, type StartRequest } from './train';

interface ParentPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(event: TrainerEvent | MapsReply): void {
  if (parentPort) parentPort.postMessage(event);
  else if (process.send) process.send(event);
  else process.stdout.write(`${JSON.stringify(event)}\n`);
}

function isRequest(value: unknown): value is TrainerRequest {
  const v = value as { type?: unknown; runId?: unknown } | null;
  if (typeof v !== 'object' || v === null || typeof v.runId !== 'string') return false;
  return (
    v.type === 'stop' ||
    (v.type === 'start' &&
      typeof (v as { graph?: unknown }).graph === 'object' &&
      typeof (v as { dataset?: unknown }).dataset === 'object') ||
    (v.type === 'inspect' && typeof (v as { job?: unknown }).job === 'object' && (v as { job?: unknown }).job !== null)
  );
}

let current: { runId: string; controller: AbortController } | null = null;

async function handle(message: unknown): Promise<void> {
  if (isMapsRequest(message)) {
    // Loaded on first use: a training run never pays for it.
    const { answerMapsRequest } = await import('../inspect/mapsWorker');
    send(await answerMapsRequest(message));
    return;
  }
  if (!isRequest(message)) {
    const runId = typeof (message as { runId?: unknown })?.runId === 'string' ? (message as { runId: string }).runId : '';
    send({ type: 'error', runId, kind: 'internal', message: 'the trainer received a message it does not understand' });
    return;
  }
  if (message.type === 'stop') {
    if (current?.runId === message.runId) current.controller.abort();
    return;
  }
  if (message.type === 'inspect') {
    send(await inspect(message.runId, message.job));
    return;
  }
  if (current) {
    send({
      type: 'error',
      runId: message.runId,
      kind: 'internal',
      message: `the trainer is already running ${current.runId}; stop it first`,
    });
    return;
  }
  const controller = new AbortController();
  current = { runId: message.runId, controller };
  try {
    await train(message as StartRequest, { onEvent: send, signal: controller.signal });
  } finally {
    current = null;
  }
}

/** An inspection job's answer, or its failure in the user's words (engine/inspect/jobs.ts). */
async function inspect(runId: string, job: InspectJob): Promise<TrainerEvent> {
  try {
    return { type: 'inspected', runId, result: await runInspectJob(job) };
  } catch (err) {
    if (err instanceof InspectError) return { type: 'error', runId, kind: err.kind, message: err.message };
    return { type: 'error', runId, kind: 'internal', message: `the measurement failed (${(err as Error).message}); nothing was changed` };
  }
}

function onMessage(message: unknown): void {
  void handle(message);
}

process.on('uncaughtException', (err) => {
  send({
    type: 'error',
    runId: current?.runId ?? '',
    kind: 'internal',
    message: `the trainer process crashed (${err.message}); the graph is intact`,
  });
  process.exit(1);
});

// Ctrl-C in a terminal reaches the whole process group; the host decides (it sends `stop`).
process.on('SIGINT', () => {});

if (parentPort) parentPort.on('message', (e) => onMessage(e.data));
else {
  process.on('message', onMessage);
  // The parent closed the channel (it exited or is done with us): nothing left to do.
  process.on('disconnect', () => process.exit(0));
}
