/**
 * Runs a training request in a forked trainer process and forwards its events, so a crash or a
 * long synchronous batch can never freeze or kill the host. A trainer that dies without a final
 * event becomes an `error` event of kind 'internal'.
 *
 * @example
 *   const run = startTrainerProcess(request, (e) => console.log(e.type));
 *   process.on('SIGINT', () => run.stop());
 *   const last = await run.done; // the 'done' or 'error' event
 */
import { fork, type ChildProcess, type Serializable } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { STDERR_KEEP, TRAINER_EXEC_ARGV, trainerDeathMessage, trainerDeathReason } from './trainerProcess';
import type { TrainerEvent, TrainerRequest } from './protocol';
import type { StartRequest, TerminalEvent } from './train';

/** A measurement of trained nets (engine/inspect/jobs.ts), run in a trainer process of its own. */
export type InspectRequest = Extract<TrainerRequest, { type: 'inspect' }>;
export type InspectedEvent = Extract<TrainerEvent, { type: 'inspected' }>;
/** The event that ends a request: a run's `done` or `error`, a job's `inspected` or `error`. */
export type FinalEvent<R extends StartRequest | InspectRequest> = R extends InspectRequest
  ? InspectedEvent | Extract<TrainerEvent, { type: 'error' }>
  : TerminalEvent;
export const isFinalEvent = (e: TrainerEvent): boolean => e.type === 'done' || e.type === 'error' || e.type === 'inspected';

export interface TrainerProcess<F extends TrainerEvent = TerminalEvent> {
  /** Asks the trainer to stop after the current batch; it still reports `done` (stopped: true). */
  stop(): void;
  /** Ends the process at once (no final event from it; `done` resolves with an internal error). */
  kill(): void;
  readonly pid: number | undefined;
  /** The run's final event: `done` (a job's `inspected`), or `error` (including a trainer that died). */
  readonly done: Promise<F>;
}

export interface TrainerProcessOptions {
  /** Defaults to engine/train/entry.ts beside this file. */
  readonly entryPath?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** tsx's loader by absolute URL, so the child runs TypeScript whatever its working directory. */
function tsxLoader(): string {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch {
    return 'tsx';
  }
}

/** The trainer entry as a child with an IPC channel, its stderr's tail kept to explain a death. */
function forkEntry(options: TrainerProcessOptions): { child: ChildProcess; stderrTail: () => string } {
  const entry = options.entryPath ?? fileURLToPath(new URL('./entry.ts', import.meta.url));
  const child: ChildProcess = fork(entry, [], {
    execArgv: [...TRAINER_EXEC_ARGV, '--import', tsxLoader()],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: options.env ?? process.env,
  });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-STDERR_KEEP);
  });
  return { child, stderrTail: () => tail };
}

/** A trainer process kept for requests other than a run (inspection, engine/inspect/protocol.ts), as long as its owner wants. */
export interface WorkerProcess {
  send(message: unknown): void;
  kill(): void;
  readonly pid: number | undefined;
}

/** Forks the trainer entry for inspection requests: every message it sends goes to `onMessage`; a death to `onExit`, in words. */
export function startWorkerProcess(
  onMessage: (message: unknown) => void,
  onExit: (why: string) => void,
  options: TrainerProcessOptions = {},
): WorkerProcess {
  const { child, stderrTail } = forkEntry(options);
  let killed = false;
  child.on('message', onMessage);
  child.on('exit', (code, signal) => {
    if (!killed) onExit(trainerDeathReason({ code, signal, stderr: stderrTail() }));
  });
  child.on('error', (err) => onExit(`it could not run (${err.message})`));
  return {
    send: (message) => void (child.connected && child.send(message as Serializable)),
    kill() {
      killed = true;
      child.kill('SIGKILL');
    },
    pid: child.pid,
  };
}

export function startTrainerProcess<R extends StartRequest | InspectRequest>(
  request: R,
  onEvent: (event: TrainerEvent) => void,
  options: TrainerProcessOptions = {},
): TrainerProcess<FinalEvent<R>> {
  const { child, stderrTail } = forkEntry(options);

  let settled = false;
  let resolveDone!: (e: FinalEvent<R>) => void;
  const done = new Promise<FinalEvent<R>>((resolve) => (resolveDone = resolve));
  const finish = (event: TrainerEvent) => {
    if (settled) return;
    settled = true;
    resolveDone(event as FinalEvent<R>);
  };

  child.on('message', (message: TrainerEvent) => {
    if (settled) return;
    onEvent(message);
    if (isFinalEvent(message)) {
      finish(message);
      // The entry exits when the channel closes.
      if (child.connected) child.disconnect();
    }
  });
  const died = (message: string) => {
    if (settled) return;
    const event: TerminalEvent = { type: 'error', runId: request.runId, kind: 'internal', message };
    onEvent(event);
    finish(event);
  };
  let killRequested = false;
  child.on('exit', (code, signal) => died(trainerDeathMessage({ code, signal, stderr: stderrTail(), requested: killRequested })));
  child.on('error', (err) => died(`the trainer process could not run (${err.message}); the graph is intact, you can train again`));

  child.send(request);
  return {
    stop() {
      if (child.connected) child.send({ type: 'stop', runId: request.runId });
    },
    kill() {
      killRequested = true;
      child.kill('SIGKILL');
    },
    get pid() {
      return child.pid;
    },
    done,
  };
}
