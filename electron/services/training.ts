/**
 * Training runs in a separate process (a forked child in the web host, Electron's utilityProcess
 * on the desktop), so the host only starts, stops and forwards. Batch events are coalesced again
 * here (at most one per `batchIntervalMs`, latest wins, flushed before any other event) so a
 * trainer that did not coalesce cannot flood the UI; a trainer that dies becomes an `error` event.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, type RequestArgs } from '../api/contract';
import { freezeThrough } from '../../engine/graph/freeze';
import { validateGraph } from '../../engine/graph/load';
import type { GraphDoc } from '../../engine/graph/types';
import type { InspectRequest } from '../../engine/train/processClient';
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
 * launchers do) — the service adds one too if the launcher reports `onExit` first. The same
 * launchers start a process for an inspection job (`R` InspectRequest: ./inspection.ts).
 */
export type TrainerLauncher<R extends StartRequest | InspectRequest = StartRequest> = (
  request: R,
  onEvent: (event: TrainerEvent) => void,
  onExit: (why: string) => void,
) => TrainerHandle;

/** `train.start`'s argument with its checkpoint resolved to a path the host checked (./access.ts). */
export type StartArgs = Omit<RequestArgs<'train.start'>, 'initFrom'> & { readonly initFrom?: string };

export interface TrainingService {
  /** Starts a run; `name` is what the run history calls it (named by what differs from the run before). */
  start(args: StartArgs, sender: EventSink): { runId: string; name?: string };
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

/** The graph with `nodeId` and every weighted node before it frozen, or why not. */
function frozenThrough(doc: GraphDoc, nodeId: string): GraphDoc {
  const frozen = freezeThrough(doc, nodeId);
  if ('error' in frozen) throw new ApiError(`Cannot freeze: ${frozen.error}`);
  if (frozen.frozen.length === 0) throw new ApiError(`Cannot freeze through "${nodeId}": neither it nor any node before it has weights`);
  return frozen.doc;
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
      if (args.initFrom && args.runner === 'pytorch')
        throw new ApiError("Starting from a checkpoint works with the app's trainer (TensorFlow.js), not the PyTorch runner");
      const graph = args.freezeThrough === undefined ? checked.doc : frozenThrough(checked.doc, args.freezeThrough);
      const runId = `run-${randomUUID().slice(0, 8)}`;
      const record = options.history?.begin({ runId, graph, dataset: args.dataset, runner: args.runner ?? 'tfjs' });
      const checkpointPath = options.history ? options.history.weightsPathOf(runId) : options.checkpointPathFor?.(runId);
      const request: StartRequest = {
        type: 'start',
        runId,
        graph,
        dataset: args.dataset,
        ...(args.config ? { config: args.config } : {}),
        ...(args.backend ? { backend: args.backend } : {}),
        ...(checkpointPath ? { checkpointPath } : {}),
        ...(args.initFrom ? { initFrom: args.initFrom } : {}),
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
