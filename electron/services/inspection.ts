/**
 * Measuring finished runs of the history (runs/<id>/run.json beside its weights): dropout's two
 * test-time rules (weight scaling against Monte-Carlo averaging of k passes) and ensembles of
 * several runs. What the record already tells is checked here, with a message a student can act
 * on (a run without weights, a graph without dropout, a task that is not classification); the
 * passes themselves run in a trainer process of their own (engine/inspect/jobs.ts), so a long
 * measurement never blocks the host and a crash never takes it down. One measurement at a time.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolveTrainingConfig } from '../../engine/graph/training';
import type { InspectJob, InspectResult, TrainedNet } from '../../engine/inspect/jobs';
import type { RunRecord } from '../../engine/runs/record';
import type { InspectRequest } from '../../engine/train/processClient';
import type { DatasetRequest, TrainerEvent } from '../../engine/train/protocol';
import { ApiError, type EnsembleResult, type McDropoutResult } from '../api/contract';
import type { RunHistory } from './runs';
import type { TrainerHandle, TrainerLauncher } from './training';

/** The pass counts the lecture's plot uses. */
export const DEFAULT_PASSES = [1, 2, 5, 10, 20, 50] as const;

export interface InspectionService {
  mcDropout(runId: string, passes?: readonly number[]): Promise<McDropoutResult>;
  ensemble(runIds: readonly string[]): Promise<EnsembleResult>;
  /** Ends a measurement in progress: the host is quitting. */
  dispose(): void;
}

export interface InspectionOptions {
  /** Starts a trainer process for one job; omitted: this host cannot measure runs. */
  readonly launch?: TrainerLauncher<InspectRequest>;
  readonly runs: RunHistory;
  /** A measurement that takes longer is ended (default 10 minutes). */
  readonly timeoutMs?: number;
}

const quoted = (r: RunRecord) => `"${r.name}"`;

/** The record's net, or why it cannot be measured. */
function trainedNet(runs: RunHistory, record: RunRecord): TrainedNet {
  if (record.status === 'running') throw new ApiError(`${quoted(record)} is still training: measure it once it has finished`);
  const weights = runs.weightsPathOf(record.runId);
  if (record.weights === null || !existsSync(weights))
    throw new ApiError(
      `${quoted(record)} has no trained weights to measure${record.status === 'error' ? ' (it ended with an error)' : ''}: train it again`,
    );
  const config = resolveTrainingConfig(record.graph.training);
  const task = config.ok ? config.config.task : 'classification';
  if (task !== 'classification')
    throw new ApiError(`${quoted(record)} is a ${task} run: MC dropout and ensembles here measure a classifier's test accuracy`);
  return { label: record.name, graph: record.graph, checkpoint: weights };
}

/** What the run trained on, as the trainer loaded it (the same test split, the same scaling). */
function datasetOf(record: RunRecord): DatasetRequest {
  const { source, limit, testLimit, normalization } = record.dataset;
  return {
    source,
    ...(limit !== undefined ? { limit } : {}),
    ...(testLimit !== undefined ? { testLimit } : {}),
    ...(normalization !== undefined ? { normalization } : {}),
  };
}

/** The graph's dropout nodes that drop anything (rate > 0; a node without `rate` has the default 0.5). */
function dropping(record: RunRecord): string[] {
  return record.graph.nodes
    .filter((n) => n.type === 'dropout' && Number((n.params as { rate?: unknown } | undefined)?.rate ?? 0.5) > 0)
    .map((n) => n.id);
}

export function createInspectionService(options: InspectionOptions): InspectionService {
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  let active: { handle: TrainerHandle; abandon: (why: string) => void } | null = null;

  const run = (job: InspectJob): Promise<InspectResult> => {
    const launch = options.launch;
    if (!launch) return Promise.reject(new ApiError('This host cannot measure runs'));
    if (active) return Promise.reject(new ApiError('A measurement is already running: wait for it to finish'));
    return new Promise<InspectResult>((resolve, reject) => {
      const runId = `inspect-${randomUUID().slice(0, 8)}`;
      let settled = false;
      const settle = (fail: string | null, result?: InspectResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        active = null;
        if (fail === null) resolve(result!);
        else reject(new ApiError(fail));
      };
      const onEvent = (event: TrainerEvent) => {
        if (event.type === 'inspected') settle(null, event.result);
        else if (event.type === 'error') settle(event.message);
      };
      const timer = setTimeout(() => {
        active?.handle.kill();
        settle(`The measurement took more than ${Math.round(timeoutMs / 60_000)} minutes and was ended`);
      }, timeoutMs);
      try {
        const handle = launch({ type: 'inspect', runId, job }, onEvent, (why) =>
          settle(`The measuring process stopped unexpectedly (${why}); nothing was changed`),
        );
        if (!settled) active = { handle, abandon: (why) => settle(why) };
      } catch (err) {
        settle(`The measuring process could not be started: ${(err as Error).message}`);
      }
    });
  };

  return {
    async mcDropout(runId, passes = DEFAULT_PASSES) {
      const record = await options.runs.read(runId);
      const net = trainedNet(options.runs, record);
      if (dropping(record).length === 0)
        throw new ApiError(
          `${quoted(record)} has no dropout, so every pass is the same net and there is nothing to average: add a dropout node (rate above 0), train, and measure again`,
        );
      const result = await run({ kind: 'mcDropout', net, dataset: datasetOf(record), passes: [...passes] });
      return result as McDropoutResult;
    },
    async ensemble(runIds) {
      if (new Set(runIds).size !== runIds.length) throw new ApiError('An ensemble lists each run once');
      if (runIds.length < 2) throw new ApiError('An ensemble needs two or more finished runs');
      const records = await Promise.all(runIds.map((id) => options.runs.read(id)));
      const members = records.map((r) => trainedNet(options.runs, r));
      const result = await run({ kind: 'ensemble', members, dataset: datasetOf(records[0]!) });
      return result as EnsembleResult;
    },
    dispose() {
      active?.handle.kill();
      active?.abandon('The host is closing; the measurement was ended');
    },
  };
}
