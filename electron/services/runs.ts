/**
 * The run history in the data folder: `runs/<runId>/run.json` (engine/runs/record.ts) beside the
 * run's checkpoint `runs/<runId>/weights.json`. The training service reports every run's events
 * here; the record is written when the run starts, after each epoch and when it ends, so a crash
 * loses at most an epoch's curve. Listing reads the records back: the history survives reloads
 * and restarts, and a record left 'running' by a host that is gone reads as 'interrupted'.
 */
import { mkdirSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { nameRun } from '../../engine/runs/naming';
import { testFigureText } from '../../engine/task/figure';
import {
  applyRunEvent,
  newRunRecord,
  parseRunRecord,
  recordTask,
  RUN_ID,
  RUN_WEIGHTS,
  summarize,
  type RunRecord,
  type RunSummary,
} from '../../engine/runs/record';
import type { GraphDoc } from '../../engine/graph/types';
import type { DatasetRequest, TrainerEvent } from '../../engine/train/protocol';
import { ApiError, type ExportWeights } from '../api/contract';
import { readTextBounded, writeFileAtomic } from '../../engine/io';

/** Records are small (curves thinned, a few pictures); a larger file is not one of ours. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export interface RunHistory {
  /** The folder of a run: its record and its checkpoint live here. */
  folderOf(runId: string): string;
  /** Where the trainer saves the run's weights. */
  weightsPathOf(runId: string): string;
  /** A run starts: its record is created (and written), named by what differs from the run before it. */
  begin(start: { runId: string; graph: GraphDoc; dataset: DatasetRequest; runner: 'tfjs' | 'pytorch' }): RunRecord;
  /** One trainer event of a run begun here. */
  record(event: TrainerEvent): void;
  list(): Promise<RunSummary[]>;
  read(runId: string): Promise<RunRecord>;
  rename(runId: string, name: string): Promise<RunSummary>;
  remove(runId: string): Promise<{ removed: boolean }>;
  /** Resolves when every write asked for so far is on disk (tests, shutdown). */
  flush(): Promise<void>;
}

function checkId(runId: string): string {
  if (!RUN_ID.test(runId)) throw new ApiError(`There is no run "${runId}"`);
  return runId;
}

export function createRunHistory(dataDir: string): RunHistory {
  const root = join(dataDir, 'runs');
  const folderOf = (runId: string) => join(root, checkId(runId));
  const live = new Map<string, RunRecord>();
  let writes: Promise<void> = Promise.resolve();

  const write = (record: RunRecord): Promise<void> => {
    // One write at a time, in order: a later state never lands before an earlier one.
    writes = writes.then(async () => {
      const dir = folderOf(record.runId);
      try {
        await mkdir(dir, { recursive: true });
        await writeFileAtomic(join(dir, 'run.json'), JSON.stringify(record));
      } catch {
        // The history is a convenience: a full disk must not fail the run (the trainer reports its own save).
      }
    });
    return writes;
  };

  const load = async (runId: string): Promise<RunRecord | null> => {
    const current = live.get(runId);
    if (current) return current;
    try {
      const text = await readTextBounded(join(folderOf(runId), 'run.json'), { maxBytes: MAX_RECORD_BYTES });
      const parsed = parseRunRecord(text);
      if (!parsed.ok) return null;
      // Nothing in this host runs it: a 'running' record was left by a host that stopped.
      return parsed.record.status === 'running' ? { ...parsed.record, status: 'interrupted' } : parsed.record;
    } catch {
      return null;
    }
  };

  const all = async (): Promise<RunRecord[]> => {
    const names = await readdir(root).catch(() => [] as string[]);
    const records = await Promise.all(names.filter((n) => RUN_ID.test(n)).map(load));
    return records.filter((r): r is RunRecord => r !== null).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  };

  // What earlier runs were set up as, for naming a new one by what differs (read once, then kept).
  type Setup = Parameters<typeof nameRun>[1][number];
  const setupOf = (r: RunRecord): Setup => ({ graph: r.graph, dataset: r.dataset, runner: r.runner, name: r.name });
  let earlier: Setup[] = [];
  const known = all().then((records) => {
    earlier = [...records.map(setupOf), ...earlier];
  });

  return {
    folderOf,
    weightsPathOf: (runId) => join(folderOf(runId), RUN_WEIGHTS),
    begin({ runId, graph, dataset, runner }) {
      const name = nameRun({ graph, dataset, runner }, earlier);
      const record = newRunRecord({ runId, name, graph, dataset, runner, startedAt: new Date().toISOString() });
      live.set(runId, record);
      earlier = [...earlier, setupOf(record)];
      // The trainer saves the weights into this folder: it must exist before the run ends.
      try {
        mkdirSync(folderOf(runId), { recursive: true });
      } catch {
        /* the trainer reports a failed save itself */
      }
      void write(record);
      return record;
    },
    record(event) {
      const before = live.get(event.runId);
      if (!before) return;
      const after = applyRunEvent(before, event);
      live.set(event.runId, after);
      if (event.type === 'epoch') void write(after);
      if (event.type === 'done' || event.type === 'error') {
        live.delete(event.runId);
        void write(after);
      }
    },
    async list() {
      return (await all()).map(summarize);
    },
    async read(runId) {
      const record = await load(checkId(runId));
      if (!record) throw new ApiError(`There is no run "${runId}" in the history`);
      return record;
    },
    async rename(runId, name) {
      const record = await load(checkId(runId));
      if (!record) throw new ApiError(`There is no run "${runId}" in the history`);
      const trimmed = name.trim();
      if (!trimmed) throw new ApiError('A run needs a name');
      const renamed = { ...record, name: trimmed };
      if (live.has(runId)) live.set(runId, renamed);
      await write(renamed);
      return summarize(renamed);
    },
    async remove(runId) {
      if (live.has(checkId(runId))) throw new ApiError('This run is still training: stop it first');
      await writes;
      try {
        await rm(folderOf(runId), { recursive: true });
        return { removed: true };
      } catch {
        return { removed: false };
      }
    },
    flush: async () => {
      await known;
      await writes;
    },
  };
}

/** A run's saved weights: where they are, what to call them, and how its data was scaled; or why there are none. */
export type RunWeights =
  | { readonly reason: string }
  | {
      readonly path: string;
      readonly info: Extract<ExportWeights, { kind: 'trained' }>;
      readonly normalization: DatasetRequest['normalization'];
    };

/** The weights a run of the history saved (what exports carry and feature maps are computed with), or why there are none. */
export async function runWeights(runs: RunHistory | undefined, runId: string): Promise<RunWeights> {
  if (!runs) return { reason: 'this host keeps no run history' };
  const record = await runs.read(runId).catch(() => null);
  if (!record) return { reason: `the run "${runId}" is no longer in the history` };
  if (!record.weights) return { reason: `the run "${record.name}" saved no weights (${record.status})` };
  return {
    path: join(runs.folderOf(runId), record.weights),
    info: {
      kind: 'trained',
      runId,
      runName: record.name,
      testAccuracy: record.metrics?.testAccuracy ?? null,
      testFigure: testFigureText(recordTask(record), record.metrics),
      trainedAt: record.finishedAt ?? record.startedAt,
    },
    normalization: record.dataset.normalization,
  };
}
