/**
 * Inspection requests (feature maps) run in a trainer process the host keeps warm between them,
 * never in the host: tfjs and the model stay out of the UI's process, and the second click costs a
 * forward pass, not a process start. The process starts on the first request, is ended after
 * `idleMs` without one (it holds the model and a dataset), and a death or a request that hangs
 * becomes a clear message; the next request starts a fresh one.
 *
 * Weights: a run of the history (`runId`) lends its checkpoint; without one, or when it saved
 * none, the graph's seeded initial weights are used and the answer says why (`weights`).
 */
import { randomUUID } from 'node:crypto';
import type { GraphDoc, NodeId } from '../../engine/graph/types';
import type { FeatureMapsResult, MapsReply, MapsRequest, SampleChoice } from '../../engine/inspect/protocol';
import { ApiError, type ExportWeights, type FeatureMapsAnswer } from '../api/contract';
import { runWeights, type RunHistory } from './runs';

/** The inspection process as a host starts it (a forked child, or Electron's utility process). */
export interface MapsWorker {
  send(request: MapsRequest): void;
  kill(): void;
}
export type MapsWorkerLauncher = (onMessage: (message: unknown) => void, onExit: (why: string) => void) => MapsWorker;

export interface FeatureMapsService {
  featureMaps(args: {
    graph: GraphDoc;
    /** Where the samples come from, already checked against the paths the user chose. */
    source: string;
    runId?: string;
    sample: SampleChoice;
    nodeIds: readonly NodeId[];
  }): Promise<FeatureMapsAnswer>;
  dispose(): void;
}

export interface FeatureMapsOptions {
  /** Omitted: this host cannot inspect, and says so. */
  launch?: MapsWorkerLauncher;
  runs?: RunHistory;
  /** How long an idle process is kept; default 5 minutes. */
  idleMs?: number;
  /** The longest one request may take (the first one starts the process and loads tfjs and the dataset); default 2 minutes. */
  timeoutMs?: number;
}

interface Pending {
  resolve(reply: MapsReply): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export function createFeatureMapsService(options: FeatureMapsOptions): FeatureMapsService {
  const idleMs = options.idleMs ?? 5 * 60_000;
  const timeoutMs = options.timeoutMs ?? 120_000;
  let worker: MapsWorker | null = null;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  const pending = new Map<string, Pending>();

  const failAll = (message: string) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      pending.delete(id);
      p.reject(new ApiError(message));
    }
  };
  const stop = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    worker?.kill();
    worker = null;
  };
  const onMessage = (message: unknown) => {
    const reply = message as MapsReply;
    const p = reply?.type === 'featureMapsAnswer' ? pending.get(reply.requestId) : undefined;
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(reply.requestId);
    p.resolve(reply);
    if (pending.size === 0) {
      idleTimer = setTimeout(stop, idleMs);
      idleTimer.unref?.();
    }
  };
  const processFor = (launch: MapsWorkerLauncher): MapsWorker => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    if (worker) return worker;
    const started = launch(onMessage, (why) => {
      if (worker !== started) return;
      worker = null;
      failAll(`The inspection process stopped unexpectedly (${why}); try again`);
    });
    worker = started;
    return started;
  };

  const ask = (request: MapsRequest): Promise<MapsReply> => {
    if (!options.launch) throw new ApiError('Feature maps are not available in this host');
    const process = processFor(options.launch);
    return new Promise<MapsReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(request.requestId);
        // A request stuck this long holds the process: end it, the next request starts afresh.
        stop();
        failAll('The inspection process stopped: another request was stuck');
        reject(
          new ApiError(`The feature maps took longer than ${Math.round(timeoutMs / 1000)} s and were stopped; try fewer or smaller nodes`),
        );
      }, timeoutMs);
      timer.unref?.();
      pending.set(request.requestId, { resolve, reject, timer });
      process.send(request);
    });
  };

  return {
    async featureMaps({ graph, source, runId, sample, nodeIds }) {
      const trained = runId ? await runWeights(options.runs, runId) : null;
      const checkpoint = trained && 'path' in trained ? trained : null;
      const reason = trained && 'reason' in trained ? trained.reason : null;
      const reply = await ask({
        type: 'featureMaps',
        requestId: randomUUID(),
        job: {
          kind: 'featureMaps',
          graph,
          checkpointPath: checkpoint?.path ?? null,
          ...(checkpoint ? { runName: checkpoint.info.runName } : {}),
          dataset: { source, ...(checkpoint?.normalization ? { normalization: checkpoint.normalization } : {}) },
          sample,
          nodeIds,
        },
      });
      if (!reply.ok) throw new ApiError(`No feature maps: ${reply.message}`);
      const weights: ExportWeights =
        checkpoint && reply.result.weightsProblem === null
          ? checkpoint.info
          : { kind: 'initial', ...(reason ? { reason } : {}), ...problem(reply.result) };
      return { ...reply.result, weights };
    },
    dispose() {
      stop();
      failAll('The host is closing');
    },
  };
}

const problem = (result: FeatureMapsResult) => (result.weightsProblem ? { reason: result.weightsProblem } : {});
