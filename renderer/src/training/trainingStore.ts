/**
 * The runs the editor knows: this session's, as their events stream in, and the run history's
 * (kept in the data folder, loaded on start). Any number can be shown at once on the curves; one is
 * active (its status, results and filters are shown). Curve arrays grow in place and `tick` says
 * they changed: charts redraw from the arrays without React copying them.
 */
import { create } from 'zustand';
import type { RunSummary } from '../../../engine/runs/record';
import type { MisclassifiedSample, TrainerEvent } from '../../../engine/train/protocol';
import { applyEvent, fromSummary, newRun, type Run } from './runModel';

export { runTask } from './runModel';

export type { Curves, Run } from './runModel';

/** Where a TensorFlow.js run trains: the trainer's own choice (a GPU when it finds one), or the CPU. */
export type Hardware = 'auto' | 'cpu';

/** What the Train button sends besides the graph: kept so a failed run can be started again. */
export interface DatasetChoice {
  readonly source: string;
  /** Training samples to use (quick runs); undefined: all. */
  readonly limit?: number;
  readonly testLimit?: number;
}

interface TrainingState {
  readonly runs: readonly Run[];
  readonly activeRunId: string | null;
  /** The runs drawn on the curves, any number, in the order they were shown. */
  readonly shown: readonly string[];
  /** An example input (the first misclassified test sample) for the receptive-field view. */
  readonly sample: { pixels: readonly number[]; shape: readonly number[] } | null;
  readonly tick: number;
  readonly requesting: boolean;
  /** The machine's choice, not the graph's: kept for the session, never written to the file. */
  readonly hardware: Hardware;
  /** The dataset of the last run started, for "train on the CPU instead". */
  readonly lastDataset: DatasetChoice | null;
  handle(event: TrainerEvent): void;
  /** A run the host started: it becomes active and is shown beside the runs already shown. */
  begin(runId: string, label: string): void;
  setRequesting(requesting: boolean): void;
  setShown(runId: string, shown: boolean): void;
  setActive(runId: string): void;
  setHardware(hardware: Hardware): void;
  setLastDataset(dataset: DatasetChoice): void;
  /** The history's runs, merged with this session's (a run in both keeps this session's state). */
  setHistory(summaries: readonly RunSummary[]): void;
  /** A run whose record was loaded from the history. */
  replace(run: Run): void;
  rename(runId: string, label: string): void;
  remove(runId: string): void;
}

function sampleOf(misclassified: readonly MisclassifiedSample[]) {
  const first = misclassified[0];
  return first ? { pixels: first.pixels, shape: first.shape } : null;
}

const mapRun = (runs: readonly Run[], runId: string, f: (r: Run) => Run) => runs.map((r) => (r.runId === runId ? f(r) : r));

export const useTraining = create<TrainingState>()((set, get) => ({
  runs: [],
  activeRunId: null,
  shown: [],
  sample: null,
  tick: 0,
  requesting: false,
  hardware: 'auto',
  lastDataset: null,
  handle(event) {
    const s = get();
    const existing = s.runs.find((r) => r.runId === event.runId);
    // Events can arrive before train.start's answer names the run.
    const run = applyEvent(existing ?? newRun(event.runId, `Run ${s.runs.length + 1}`), event);
    const runs = existing ? s.runs.map((r) => (r === existing ? run : r)) : [...s.runs, run];
    const sample = event.type === 'done' ? (sampleOf(event.misclassified) ?? s.sample) : s.sample;
    const shown = existing || s.shown.includes(event.runId) ? s.shown : [...s.shown, event.runId];
    set({ runs, sample, shown, tick: s.tick + 1, activeRunId: s.activeRunId ?? event.runId });
  },
  begin(runId, label) {
    const s = get();
    const existing = s.runs.find((r) => r.runId === runId);
    const runs = existing ? s.runs.map((r) => (r === existing ? { ...r, label } : r)) : [...s.runs, newRun(runId, label)];
    const shown = s.shown.includes(runId) ? s.shown : [...s.shown, runId];
    set({ runs, activeRunId: runId, shown, requesting: false, tick: s.tick + 1 });
  },
  setRequesting: (requesting) => set({ requesting }),
  setShown(runId, on) {
    const s = get();
    const shown = on ? (s.shown.includes(runId) ? s.shown : [...s.shown, runId]) : s.shown.filter((id) => id !== runId);
    set({ shown, tick: s.tick + 1 });
  },
  setActive: (activeRunId) => set({ activeRunId, tick: get().tick + 1 }),
  setHardware: (hardware) => set({ hardware }),
  setLastDataset: (lastDataset) => set({ lastDataset }),
  setHistory(summaries) {
    const s = get();
    const mine = new Map(s.runs.map((r) => [r.runId, r]));
    const kept = summaries.map((summary) => {
      const current = mine.get(summary.runId);
      return current ? { ...current, label: summary.name } : fromSummary(summary);
    });
    const known = new Set(summaries.map((r) => r.runId));
    const runs = [...kept, ...s.runs.filter((r) => !known.has(r.runId))];
    set({ runs, tick: s.tick + 1 });
  },
  replace: (run) => set({ runs: mapRun(get().runs, run.runId, () => run), tick: get().tick + 1 }),
  rename: (runId, label) => set({ runs: mapRun(get().runs, runId, (r) => ({ ...r, label })), tick: get().tick + 1 }),
  remove(runId) {
    const s = get();
    set({
      runs: s.runs.filter((r) => r.runId !== runId),
      shown: s.shown.filter((id) => id !== runId),
      activeRunId: s.activeRunId === runId ? null : s.activeRunId,
      tick: s.tick + 1,
    });
  },
}));

export const activeRun = (s: { runs: readonly Run[]; activeRunId: string | null }): Run | undefined =>
  s.runs.find((r) => r.runId === s.activeRunId);

/** Run colours, in the order runs were started: the same run keeps its colour in every chart. */
const PALETTE = ['#4f46e5', '#f97316', '#059669', '#db2777', '#0891b2', '#ca8a04', '#7c3aed', '#dc2626', '#475569', '#65a30d'];
export const colourOf = (runs: readonly Run[], runId: string): string =>
  PALETTE[
    Math.max(
      0,
      runs.findIndex((r) => r.runId === runId),
    ) % PALETTE.length
  ]!;
