/**
 * The runs made with a lesson's settings, kept as the trainer's own events so the Lesson panel marks
 * trained checks with the engine's `summarizeRun`, exactly as `netcanvas grade --train` does. Each
 * run remembers the graph it trained (its key): after an edit, its marks no longer apply.
 */
import { create } from 'zustand';
import type { GraphDoc } from '../../../engine/graph/types';
import { lessonRunRequest, stableJson, summarizeRun, type LessonRunResults } from '../../../engine/lesson';
import type { TrainerEvent } from '../../../engine/train/protocol';

/** What a run trains, apart from where the nodes sit: equal keys, equal runs. */
export function lessonRunKey(lessonDoc: GraphDoc, doc: GraphDoc): string {
  const request = lessonRunRequest(lessonDoc, doc);
  const { nodes, edges, training } = request.graph;
  return stableJson({ nodes, edges, training, dataset: request.dataset, config: request.config });
}

export interface LessonRun {
  readonly runId: string;
  readonly key: string;
  readonly events: readonly TrainerEvent[];
  readonly results: LessonRunResults | null;
}

interface LessonRunsState {
  /** Newest last. */
  readonly runs: readonly LessonRun[];
  begin(runId: string, key: string): void;
  record(event: TrainerEvent): void;
  clear(): void;
}

/** Enough for a session; older runs fall off. */
const KEEP_RUNS = 20;

/** Only what marking reads: per-batch events and pictures are not kept. */
const KEPT = new Set<TrainerEvent['type']>(['started', 'epoch', 'done', 'error']);

export const useLessonRuns = create<LessonRunsState>()((set, get) => ({
  runs: [],
  begin(runId, key) {
    const early = get().runs.find((r) => r.runId === runId);
    set({
      runs: [...get().runs.filter((r) => r.runId !== runId), { runId, key, events: early?.events ?? [], results: early?.results ?? null }],
    });
  },
  record(event) {
    if (!KEPT.has(event.type)) return;
    const lean = event.type === 'epoch' || event.type === 'done' ? ({ ...event, filters: undefined } as TrainerEvent) : event;
    const runs = get().runs;
    const run = runs.find((r) => r.runId === event.runId);
    // Events can arrive before train.start's answer names the run: keep them under a blank key.
    const base = run ?? { runId: event.runId, key: '', events: [], results: null };
    const events = [...base.events, lean];
    const next = { ...base, events, results: summarizeRun(events) };
    set({ runs: run ? runs.map((r) => (r === run ? next : r)) : [...runs, next].slice(-KEEP_RUNS) });
  },
  clear: () => set({ runs: [] }),
}));

/** The latest run's state for this graph: its results when it trained this very graph. */
export function latestLessonRun(
  runs: readonly LessonRun[],
  key: string,
): { state: 'none' | 'running' | 'stale' | 'done'; results: LessonRunResults | null; runId: string | null } {
  const latest = [...runs].reverse().find((r) => r.key !== '');
  if (!latest) return { state: 'none', results: null, runId: null };
  if (latest.key !== key) return { state: 'stale', results: null, runId: latest.runId };
  if (!latest.results) return { state: 'running', results: null, runId: latest.runId };
  return { state: 'done', results: latest.results, runId: latest.runId };
}
