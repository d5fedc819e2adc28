/**
 * Training runs in a separate process (a forked child in the web host, Electron's utilityProcess
 * on the desktop), so the host only starts, stops and forwards. Batch events are coalesced again
 * here (at most one per `batchIntervalMs`, latest wins, flushed before any other event) so a
 * trainer that did not coalesce cannot flood the UI; a trainer that dies becomes an `error` event.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, type RequestArgs } from '../api/contract';
import { validateGraph } from '../../engine/graph/load';
import type { TrainerEvent, TrainerRequest } from '../../engine/train/protocol';
import type { RunHistory } from './runs';
import type { EventSink } from './types';

export type StartRequest = Extract<TrainerRequest, { type: 'start' }>;

/** One running trainer process, as either host starts it. */
export interface TrainerHandle {
  /** Asks for a graceful stop; the trainer still sends `done` (stopped: true). */
  stop(): void;
  /** Ends the process at once. */
  kill(): void;
}

/**
 * Starts a trainer for `request`. The launcher forwards every event to `onEvent`; if the process
 * dies without a final event it must report an `error` event of kind 'internal' itself (both
 * launchers do) — the service adds one too if the launcher reports `onExit` first.
 */
export type TrainerLauncher = (
  request: StartRequest,
  onEvent: (event: TrainerEvent) => void,
  onExit: (why: string) => void,
) => TrainerHandle;

export interface TrainingService {
  /** Starts a run; `name` is what the run history calls it (named by what differs from the run before). */
  start(args: RequestArgs<'train.start'>, sender: EventSink): { runId: string; name?: string };
  stop(runId: string): { stopped: boolean };
  /** Stops every run a client started (its window closed or its socket dropped). */
  stopAllFor(sender: EventSink): void;
  /** Kills everything: the host is quitting. */
  dispose(): void;
  readonly activeRuns: () => string[];
}

export interface TrainingOptions {
  /** The app's own trainer (TensorFlow.js): runner 'tfjs', the default. */
  launch: TrainerLauncher;
  /** The exported PyTorch script (runner 'pytorch'); omitted: this host refuses such runs. */
  launchPytorch?: TrainerLauncher;
  /** Where trained weights go, per run, when there is no history; omitted: not saved. */
  checkpointPathFor?: (runId: string) => string;
  /** The run history in the data folder: every run is recorded there, its weights saved beside it. */
  history?: RunHistory;
  batchIntervalMs?: number;
  /** How long a stop may take before the process is killed. */
  stopGraceMs?: number;
}

interface Run {
  readonly runId: string;
  readonly sender: EventSink;
  handle: TrainerHandle;
  finished: boolean;
  pendingBatch: TrainerEvent | null;
  batchTimer: ReturnType<typeof setTimeout> | null;
  lastBatchAt: number;
  killTimer: ReturnType<typeof setTimeout> | null;
}

export function createTrainingService(options: TrainingOptions): TrainingService {
  const runs = new Map<string, Run>();
  const interval = options.batchIntervalMs ?? 50;
  const grace = options.stopGraceMs ?? 15_000;

  const forget = (run: Run) => {
    run.finished = true;
    if (run.batchTimer) clearTimeout(run.batchTimer);
    if (run.killTimer) clearTimeout(run.killTimer);
    runs.delete(run.runId);
  };

  const deliver = (run: Run, event: TrainerEvent) => {
    options.history?.record(event);
    try {
      run.sender.send('train.event', event);
    } catch {
      // The window or socket went away mid-run; stopAllFor() ends the run.
    }
  };

  const flushBatch = (run: Run) => {
    if (run.batchTimer) clearTimeout(run.batchTimer);
    run.batchTimer = null;
    if (!run.pendingBatch) return;
    const batch = run.pendingBatch;
    run.pendingBatch = null;
    run.lastBatchAt = Date.now();
    deliver(run, batch);
  };

  const onEvent = (run: Run, event: TrainerEvent) => {
    if (run.finished) return;
    if (event.type === 'batch') {
      run.pendingBatch = event;
      const wait = run.lastBatchAt + interval - Date.now();
      if (wait <= 0) flushBatch(run);
      else run.batchTimer ??= setTimeout(() => flushBatch(run), wait);
      return;
    }
    // Order matters to the charts: the last batch before its epoch summary.
    flushBatch(run);
    deliver(run, event);
    if (event.type === 'done' || event.type === 'error') forget(run);
  };

  const onExit = (run: Run, why: string) => {
    if (run.finished) return;
    flushBatch(run);
    deliver(run, {
      type: 'error',
      runId: run.runId,
      kind: 'internal',
      message: `the trainer process stopped unexpectedly (${why}); the graph is intact, you can train again`,
    });
    forget(run);
  };

  return {
    start(args, sender) {
      const launch = args.runner === 'pytorch' ? options.launchPytorch : options.launch;
      if (!launch) throw new ApiError('Training with PyTorch is not available in this host; use the TensorFlow.js runner');
      const active = [...runs.values()].find((r) => !r.finished);
      if (active) throw new ApiError(`A run is already training (${active.runId}); stop it before starting another`);
      const checked = validateGraph(args.graph);
      if (!checked.ok) throw new ApiError(`This graph cannot be trained: ${checked.error}`);
      const runId = `run-${randomUUID().slice(0, 8)}`;
      const record = options.history?.begin({ runId, graph: checked.doc, dataset: args.dataset, runner: args.runner ?? 'tfjs' });
      const checkpointPath = options.history ? options.history.weightsPathOf(runId) : options.checkpointPathFor?.(runId);
      const request: StartRequest = {
        type: 'start',
        runId,
        graph: checked.doc,
        dataset: args.dataset,
        ...(args.config ? { config: args.config } : {}),
        ...(args.backend ? { backend: args.backend } : {}),
        ...(checkpointPath ? { checkpointPath } : {}),
      };
      // Events may arrive during launch(); the run must exist before them.
      const placeholder: Run = {
        runId,
        sender,
        handle: { stop() {}, kill() {} },
        finished: false,
        pendingBatch: null,
        batchTimer: null,
        lastBatchAt: -Infinity,
        killTimer: null,
      };
      runs.set(runId, placeholder);
      let handle: TrainerHandle;
      try {
        handle = launch(
          request,
          (e) => onEvent(runs.get(runId) ?? placeholder, e),
          (why) => onExit(runs.get(runId) ?? placeholder, why),
        );
      } catch (err) {
        forget(placeholder);
        const message = `The trainer process could not be started: ${(err as Error).message}`;
        options.history?.record({ type: 'error', runId, kind: 'internal', message });
        throw new ApiError(message);
      }
      placeholder.handle = handle;
      return record ? { runId, name: record.name } : { runId };
    },
    stop(runId) {
      const run = runs.get(runId);
      if (!run || run.finished) return { stopped: false };
      run.handle.stop();
      // A trainer stuck in a long synchronous op cannot read the stop message: end it.
      run.killTimer ??= setTimeout(() => {
        if (run.finished) return;
        run.handle.kill();
        onExit(run, `it did not stop within ${Math.round(grace / 1000)} s and was ended`);
      }, grace);
      return { stopped: true };
    },
    stopAllFor(sender) {
      for (const run of [...runs.values()]) {
        if (run.sender !== sender) continue;
        run.handle.kill();
        forget(run);
      }
    },
    dispose() {
      for (const run of [...runs.values()]) {
        run.handle.kill();
        forget(run);
      }
    },
    activeRuns: () => [...runs.keys()],
  };
}
