/**
 * The trainer's step (../../step) on WebGPU, recorded once and then replayed: after a warm-up step,
 * a kind of step (with or without gradient norms, at the run's batch shape) is recorded twice
 * through tfjs (./recording); if both recordings did the same (./recording-diff), every later step
 * of that kind copies its batch into the recording's input buffers and issues the recorded
 * commands again — no tfjs ops, no new bind groups or uniform buffers. The same kernels run in the same order on
 * the same buffers, so replayed training is tfjs's training, number for number.
 *
 * Before each replay the recording is checked against the world: every variable it touches must
 * still own the buffer it had (a checkpoint restore or an out-of-place update replaces it), and the
 * optimizer's settings (learning rate…) must be unchanged (they are baked into uniforms); else the
 * step is recorded again. A step that cannot be recorded, or differs between runs (dropout draws
 * its mask on the host), keeps running through tfjs; `replay.off` says why.
 *
 * @example
 *   const step = replayingStep(makeTrainStep(tf, compiled, config, 10, optimizer, 'device'), optimizer);
 *   const pending = await step.run(x, labels); // the third run of a kind is replayed
 *   step.dispose();
 */
import * as tf from '@tensorflow/tfjs';
import type { PendingStep, TrainStep } from '../../step';
import { recorderFor, type Recording, type StepRecorder } from './recording';
import { difference } from './recording-diff';

interface Replayable {
  readonly recording: Recording;
  /** The recording's own copies of x and labels, which each replay fills. */
  readonly inputs: readonly GPUBuffer[];
  readonly stats: { readonly buffer: GPUBuffer; readonly shape: number[] };
  /** The variables the recording touches, with the buffer each had. */
  readonly variables: readonly { readonly variable: tf.Variable; readonly buffer: GPUBuffer }[];
}

interface Kind {
  runs: number;
  candidate: Replayable | null;
  ready: Replayable | null;
  misses: number;
}

export interface ReplayReport {
  /** Steps issued from a recording, steps recorded, steps run through tfjs only. */
  replayed: number;
  recorded: number;
  plain: number;
  /** Kinds of step (by key) not replayed, and why. */
  readonly off: Record<string, string>;
  /** Kinds of step (by key) being replayed, and the GPU dispatches one replay issues. */
  readonly dispatches: Record<string, number>;
}

export interface ReplayingStep extends TrainStep {
  readonly replay: ReplayReport;
  /** Frees the recordings' buffers (those no tensor holds). */
  dispose(): void;
}

/** Recordings of one kind in a row that may fail (or differ) before it is given up. */
const MAX_MISSES = 3;

type Internals = { incrementIterations(): void };

/** The optimizer's plain settings: a change means the uniforms baked into a recording are stale. */
function settings(optimizer: tf.Optimizer): string {
  return JSON.stringify(
    Object.entries(optimizer).filter(([k, v]) => k !== 'iterations_' && ['number', 'boolean', 'string'].includes(typeof v)),
  );
}

export function replayingStep(step: TrainStep, optimizer: tf.Optimizer): ReplayingStep {
  const kinds = new Map<string, Kind>();
  const report: ReplayReport = { replayed: 0, recorded: 0, plain: 0, off: {}, dispatches: {} };
  let lastSettings = settings(optimizer);
  let recorder: StepRecorder | null = null;
  let batchShape: string | null = null;

  const release = (r: Replayable | null) => r != null && recorder?.drop(r.recording);
  const forgetAll = () => {
    for (const kind of kinds.values()) {
      release(kind.ready);
      release(kind.candidate);
      kind.ready = kind.candidate = null;
      kind.misses = 0;
    }
  };

  const plain = (x: tf.Tensor, labels: tf.Tensor, options?: { norms?: boolean }) => {
    report.plain++;
    return step.run(x, labels, options);
  };

  // The inputs fit: the kind's key names their shapes and dtypes.
  const stillValid = (r: Replayable) =>
    r.variables.every(({ variable, buffer }) => !variable.isDisposed && recorder!.resourceOf(variable) === buffer);

  function replay(r: Replayable, x: tf.Tensor, labels: tf.Tensor, norms: boolean): PendingStep {
    const stats = recorder!.replay(
      r.recording,
      [
        [x, r.inputs[0]!],
        [labels, r.inputs[1]!],
      ],
      r.stats,
    ) as tf.Tensor1D;
    (optimizer as unknown as Internals).incrementIterations();
    report.replayed++;
    return { stats, norms, sums: step.sumsLength };
  }

  /** Runs the step through tfjs while recording it; keeps the recording if it can be replayed. */
  async function record(kind: Kind, key: string, x: tf.Tensor, labels: tf.Tensor, norms: boolean): Promise<PendingStep> {
    const rec = recorder!;
    const { value, open, inputs } = await rec.capture([x, labels], ([xc, lc]) => step.run(xc!, lc!, { norms }));
    report.recorded++;
    if (!('stats' in value)) {
      rec.close(open);
      report.off[key] = 'the step reads its statistics at once (host guard)';
      return value;
    }
    const statsBuffer = rec.bufferOf(value.stats);
    const stats = rec.copyOut(statsBuffer, value.stats.shape, 'float32') as tf.Tensor1D;
    value.stats.dispose();
    const closed = rec.close(open);
    const entry = closed.ok ? replayable(closed.recording, inputs, { buffer: statsBuffer, shape: value.stats.shape }) : closed.reason;
    if (typeof entry === 'string') {
      if (closed.ok) rec.drop(closed.recording);
      miss(kind, key, entry);
    } else if (kind.candidate == null) kind.candidate = entry;
    else {
      const changed = difference(kind.candidate.recording, entry.recording);
      release(kind.candidate);
      kind.candidate = null;
      if (changed == null) {
        kind.ready = entry;
        kind.misses = 0;
        report.dispatches[key] = entry.recording.dispatches;
        rec.trimBackendPool();
      } else if (miss(kind, key, `the step is not the same from one run to the next (${changed})`)) release(entry);
      else kind.candidate = entry;
    }
    return { stats, norms: value.norms, sums: value.sums };
  }

  /** Counts a failed recording; true once the kind is given up (`report.off` says why). */
  function miss(kind: Kind, key: string, reason: string): boolean {
    if (++kind.misses < MAX_MISSES) return false;
    report.off[key] = reason;
    return true;
  }

  /** The variables behind the recording's external buffers, or why it cannot be replayed. */
  function replayable(recording: Recording, inputs: GPUBuffer[], stats: Replayable['stats']): Replayable | string {
    // Made on the host (tfjs computes small ops there when their inputs are): a replay would hand out a stale copy.
    if (!recording.own.has(stats.buffer) || !recording.touched.has(stats.buffer)) return 'the step computes its statistics on the host';
    const owners = new Map<GPUBuffer, tf.Variable>();
    for (const variable of Object.values(tf.engine().registeredVariables)) {
      const buffer = recorder!.resourceOf(variable);
      if (buffer instanceof GPUBuffer) owners.set(buffer, variable);
    }
    const variables: { variable: tf.Variable; buffer: GPUBuffer }[] = [];
    for (const buffer of recording.externals) {
      const variable = owners.get(buffer);
      if (variable != null) variables.push({ variable, buffer });
      else if (!recorder!.isPinned(buffer)) return 'the step reads a tensor that is neither a variable nor a constant it made';
    }
    return { recording, inputs, stats, variables };
  }

  return {
    trackedLayers: step.trackedLayers,
    guard: step.guard,
    ...(step.sumsLength != null ? { sumsLength: step.sumsLength } : {}),
    replay: report,
    async run(x, labels, options = {}) {
      const norms = options.norms !== false;
      if (tf.getBackend() !== 'webgpu' || step.guard !== 'device') return plain(x, labels, options);
      recorder ??= recorderFor(tf.backend());
      const now = settings(optimizer);
      if (now !== lastSettings) {
        forgetAll();
        lastSettings = now;
      }
      // Only batches of the first batch's shape are recorded: each recording holds a step's worth
      // of GPU memory, and an epoch's short last batch comes once an epoch.
      const shape = `x ${x.dtype}[${x.shape.join(',')}], labels ${labels.dtype}[${labels.shape.join(',')}]`;
      batchShape ??= shape;
      if (shape !== batchShape) return plain(x, labels, options);
      const key = `${norms ? 'norms' : 'no norms'}, ${shape}`;
      let kind = kinds.get(key);
      if (kind == null) kinds.set(key, (kind = { runs: 0, candidate: null, ready: null, misses: 0 }));
      if (kind.ready != null) {
        if (stillValid(kind.ready)) return replay(kind.ready, x, labels, norms);
        release(kind.ready);
        kind.ready = null;
      }
      // The first run of a kind goes through tfjs alone: it makes the optimizer's slots.
      if (report.off[key] != null || kind.runs++ === 0) return plain(x, labels, options);
      return record(kind, key, x, labels, norms);
    },
    dispose() {
      forgetAll();
      kinds.clear();
      step.dispose?.();
    },
  };
}
