/**
 * Training runs as the UI sees them, built from the trainer's events (engine/train/protocol).
 * Curve arrays grow in place and `tick` says they changed: charts redraw from the arrays without
 * React copying thousands of points for every batch.
 */
import { create } from 'zustand';
import type { LayerFilters, MisclassifiedSample, TrainerEvent } from '../../../engine/train/protocol';

type Started = Extract<TrainerEvent, { type: 'started' }>;
type Done = Extract<TrainerEvent, { type: 'done' }>;

export interface Curves {
  /** Epochs as a fractional axis: batch points at step / batchesPerEpoch, epoch points at whole numbers. */
  readonly batchX: number[];
  readonly batchLoss: number[];
  readonly batchAccuracy: number[];
  readonly epochX: number[];
  readonly validationLoss: (number | null)[];
  readonly validationAccuracy: (number | null)[];
  readonly trainLoss: number[];
  readonly trainAccuracy: number[];
  readonly learningRate: number[];
  /** One entry per epoch: node id → weight-gradient L2 norm. */
  readonly gradientNorms: Record<string, number>[];
}

export interface Run {
  readonly runId: string;
  readonly label: string;
  readonly status: 'running' | 'done' | 'stopped' | 'error';
  readonly startedAt: number;
  readonly started: Started | null;
  readonly curves: Curves;
  readonly progress: {
    epoch: number;
    epochs: number;
    batch: number;
    batchesPerEpoch: number;
    samplesPerSecond: number;
    etaSeconds: number | null;
  };
  readonly done: Done | null;
  readonly error: { message: string; kind: string } | null;
  readonly log: string[];
  /** The first conv layers' filters after the last epoch (`epoch`), or trained (`epoch` null), for watching them form. */
  readonly filters: { readonly epoch: number | null; readonly layers: readonly LayerFilters[] } | null;
}

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
  readonly compareRunId: string | null;
  /** An example input (the first misclassified test sample) for the receptive-field view. */
  readonly sample: { pixels: readonly number[]; shape: readonly number[] } | null;
  readonly tick: number;
  readonly requesting: boolean;
  /** The machine's choice, not the graph's: kept for the session, never written to the file. */
  readonly hardware: Hardware;
  /** The dataset of the last run started, for "train on the CPU instead". */
  readonly lastDataset: DatasetChoice | null;
  handle(event: TrainerEvent): void;
  begin(runId: string, label: string): void;
  setRequesting(requesting: boolean): void;
  setCompare(runId: string | null): void;
  setActive(runId: string): void;
  setHardware(hardware: Hardware): void;
  setLastDataset(dataset: DatasetChoice): void;
}

const emptyCurves = (): Curves => ({
  batchX: [],
  batchLoss: [],
  batchAccuracy: [],
  epochX: [],
  validationLoss: [],
  validationAccuracy: [],
  trainLoss: [],
  trainAccuracy: [],
  learningRate: [],
  gradientNorms: [],
});

const newRun = (runId: string, label: string): Run => ({
  runId,
  label,
  status: 'running',
  startedAt: Date.now(),
  started: null,
  curves: emptyCurves(),
  progress: { epoch: 0, epochs: 0, batch: 0, batchesPerEpoch: 0, samplesPerSecond: 0, etaSeconds: null },
  done: null,
  error: null,
  log: [],
  filters: null,
});

function sampleOf(misclassified: readonly MisclassifiedSample[]) {
  const first = misclassified[0];
  return first ? { pixels: first.pixels, shape: first.shape } : null;
}

/** The run after one event; curve arrays are appended in place. */
export function applyEvent(run: Run, event: TrainerEvent): Run {
  const c = run.curves;
  switch (event.type) {
    case 'started':
      return { ...run, started: event, progress: { ...run.progress, epochs: Number(event.config.epochs ?? 0) } };
    case 'batch': {
      c.batchX.push(event.step / Math.max(1, event.batchesPerEpoch));
      c.batchLoss.push(event.loss);
      c.batchAccuracy.push(event.accuracy);
      const progress = {
        ...run.progress,
        epoch: event.epoch,
        batch: event.batch,
        batchesPerEpoch: event.batchesPerEpoch,
        samplesPerSecond: event.samplesPerSecond,
      };
      return { ...run, progress };
    }
    case 'epoch':
      c.epochX.push(event.epoch);
      c.trainLoss.push(event.trainLoss);
      c.trainAccuracy.push(event.trainAccuracy);
      c.validationLoss.push(event.validationLoss);
      c.validationAccuracy.push(event.validationAccuracy);
      c.learningRate.push(event.learningRate);
      c.gradientNorms.push({ ...event.gradientNorms });
      return {
        ...run,
        progress: {
          ...run.progress,
          epoch: event.epoch,
          epochs: event.epochs,
          samplesPerSecond: event.samplesPerSecond,
          etaSeconds: event.etaSeconds,
        },
        filters: event.filters ? { epoch: event.epoch, layers: event.filters } : run.filters,
      };
    case 'done':
      return {
        ...run,
        status: event.stopped ? 'stopped' : 'done',
        done: event,
        progress: { ...run.progress, etaSeconds: 0 },
        filters: event.filters ? { epoch: null, layers: event.filters } : run.filters,
      };
    case 'error':
      return { ...run, status: 'error', error: { message: event.message, kind: event.kind } };
    case 'log':
      return { ...run, log: [...run.log.slice(-50), event.message] };
  }
}

export const useTraining = create<TrainingState>()((set, get) => ({
  runs: [],
  activeRunId: null,
  compareRunId: null,
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
    set({ runs, sample, tick: s.tick + 1, activeRunId: s.activeRunId ?? event.runId });
  },
  begin(runId, label) {
    const s = get();
    const existing = s.runs.find((r) => r.runId === runId);
    const runs = existing ? s.runs.map((r) => (r === existing ? { ...r, label } : r)) : [...s.runs, newRun(runId, label)];
    set({ runs, activeRunId: runId, requesting: false });
  },
  setRequesting: (requesting) => set({ requesting }),
  setCompare: (compareRunId) => set({ compareRunId, tick: get().tick + 1 }),
  setActive: (activeRunId) => set({ activeRunId, tick: get().tick + 1 }),
  setHardware: (hardware) => set({ hardware }),
  setLastDataset: (lastDataset) => set({ lastDataset }),
}));

export const activeRun = (s: { runs: readonly Run[]; activeRunId: string | null }): Run | undefined =>
  s.runs.find((r) => r.runId === s.activeRunId);
