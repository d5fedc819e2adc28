/**
 * One optimisation step, written out (not `model.fit`) so that we can add each layer's L2 penalty
 * λ_l·Σw², measure each layer's gradient norm, and refuse to apply a step whose loss or gradients
 * are not finite, which keeps the last good weights when training diverges (and, where the batch
 * norm defers them, the last good moving statistics: engine/compile/guardedUpdates.ts).
 *
 * Two ways to guard a step, chosen by backend:
 * - `host` (CPU backends, where reading a number is free): the step's statistics are read before
 *   its update, which is applied only if they are finite, and undone if it stepped a weight to
 *   ±∞. Exact.
 * - `device` (WebGPU, where a read stalls the queue and only async reads exist in Node): the
 *   statistics stay on the device until the trainer reads several steps' worth at once, and the
 *   update is guarded there: a `GuardedOptimizer` (WebGPU's fused SGD and Adam) skips a
 *   non-finite step exactly, and every step queued after it; any other optimizer gets zero
 *   gradients for them, so weights never become NaN (though momentum still moves them a little).
 */
import type * as tfType from '@tensorflow/tfjs';
import type { TrainingConfig } from '../graph/training';
import type { CompiledGraph } from '../compile/compile';
import type { CrossEntropy } from '../task/types';
import { taskRun, tfjsCrossEntropy, type TaskRun } from './task-run';
import { collectGuarded } from '../compile/guardedUpdates';
import { nodeWeights } from '../compile/weights';
import { runInPlace, type InPlaceKernel } from './webgpu/fused/inplace';

type Tf = typeof tfType;

export interface StepResult {
  /** The task's loss plus the weight-decay penalty: the objective being minimised. */
  readonly loss: number;
  /** The task's sums for this batch (engine/task: correct samples; a confusion matrix over pixels; a squared error). */
  readonly sums: readonly number[];
  /** L2 norm of each tracked layer's gradient, in `trackedLayers` order; empty when not measured. */
  readonly gradientNorms: readonly number[];
  /** False when the loss or a gradient was NaN or infinite: the step was not applied. */
  readonly finite: boolean;
  /** The gradients were finite but the update stepped a weight to ±∞: it was undone (host guard). */
  readonly overflowed?: boolean;
}

/**
 * A step whose statistics may not have been read yet; `readSteps` reads a list of them at once.
 * Statistics are [loss, ...sums, ...norms]; `sums`: how many sums (default 1, a classifier's correct count).
 */
export type PendingStep =
  | { readonly values: Float32Array; readonly overflowed?: boolean; readonly sums?: number }
  | { readonly stats: tfType.Tensor1D; readonly norms: boolean; readonly sums?: number };

interface TrackedLayer {
  readonly nodeId: string;
  readonly variables: tfType.Variable[];
}

export type StepGuard = 'host' | 'device';

export type { CrossEntropy };

/**
 * An optimizer that checks a step before writing anything (wasm's fused ones, in place): false when
 * some new value would not be finite, and then nothing was applied. The host guard needs no copy
 * of the weights with it.
 */
export interface OverflowGuardedOptimizer {
  applyGradientsUnlessOverflow(variableGradients: tfType.NamedTensorMap): boolean;
}

/** An optimizer that applies a step only where `ok` (float32 scalar, 1 or 0) is 1, on the device; false: it cannot here. */
export interface GuardedOptimizer {
  applyGradientsIf(grads: tfType.NamedTensorMap, ok: tfType.Tensor): boolean;
}

export interface TrainStep {
  readonly trackedLayers: readonly string[];
  readonly guard: StepGuard;
  /** The task's sums per step (1 when left out: a classifier's correct count). */
  readonly sumsLength?: number;
  /**
   * Queues one step. With the `host` guard it has finished (and was read) when this resolves.
   * `norms: false` (device guard only) skips the per-layer gradient norms — about two launches
   * per variable plus two per layer — and checks the gradients with one sum over all of them.
   */
  run(x: tfType.Tensor, labels: tfType.Tensor, options?: { norms?: boolean }): Promise<PendingStep>;
  /** Frees what the step keeps between runs (a WebGPU step's recordings); the plain step keeps nothing. */
  dispose?(): void;
}

/** healthy ← ok, in place on WebGPU: an assign would give the variable a new buffer each step. */
const LATCH: InPlaceKernel = {
  key: 'ncGuardLatch',
  writable: ['healthy'],
  readable: ['ok'],
  uniforms: [],
  body: 'healthy[i] = f32(ok[i]);',
};

/**
 * `task`: the run's task (./task-run.ts); a number stands for a classifier of that many classes.
 * `crossEntropy`: the cross-entropy the task's loss uses, by default tfjs's one-hot +
 * `losses.softmaxCrossEntropy` (the WebGPU acceleration passes a fused one).
 */
export function makeTrainStep(
  tf: Tf,
  compiled: CompiledGraph,
  config: TrainingConfig,
  task: TaskRun | number,
  optimizer: tfType.Optimizer,
  guard: StepGuard = 'host',
  crossEntropy: CrossEntropy = tfjsCrossEntropy(tf),
): TrainStep {
  const run = typeof task === 'number' ? taskRun(tf, compiled, { task: 'classification', loss: 'crossEntropy' }) : task;
  const sumsLength = run.sumsLength;
  const tracked: TrackedLayer[] = [];
  const decayed: { variable: tfType.Variable; lambda: number }[] = [];
  for (const [nodeId, weights] of nodeWeights(compiled)) {
    const learned = weights.filter((w) => w.spec.trainable && w.variable.trainable);
    if (learned.length === 0) continue;
    tracked.push({ nodeId, variables: learned.map((w) => w.variable.read() as tfType.Variable) });
    const lambda = config.layerWeightDecay[nodeId] ?? config.weightDecay;
    // The roles the layer registry marks as decayed (kernels; not biases or batch norm's γ/β).
    if (lambda > 0) for (const w of learned) if (w.spec.decayed) decayed.push({ variable: w.variable.read() as tfType.Variable, lambda });
  }
  const allVariables = tracked.flatMap((t) => t.variables);
  /** Device guard: 1 until a step is not finite, then 0 for good (the trainer stops there). */
  let healthy: tfType.Variable | null = null;

  /**
   * Forward, backward and [loss, ...sums, ...norms] (`norms` 'device'), [loss, ...sums, Σ of every
   * gradient] ('sum') or [loss, ...sums] ('host': the caller reads the gradients itself), all still
   * on the backend.
   */
  function compute(x: tfType.Tensor, labels: tfType.Tensor, norms: 'device' | 'sum' | 'host' = 'device') {
    let sums: tfType.Tensor1D | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const t = run.tensors(x, labels, true);
      let loss = run.lossOf(t, crossEntropy);
      // The sums read the same forward pass; they are not on the loss's path, so they cost no gradient.
      sums = tf.keep(run.sums(t));
      for (const { variable, lambda } of decayed) loss = loss.add(tf.sum(tf.square(variable)).mul(lambda));
      return loss;
    }, allVariables);
    const stats = tf.tidy(() => {
      const head = tf.concat([value.reshape([1]), sums!]);
      // A NaN or ±∞ anywhere makes the plain sum non-finite too: enough for the guard.
      // One concat and one sum instead of a sum per gradient: launches, not arithmetic, cost on a GPU.
      if (norms === 'host') return head as tfType.Tensor1D;
      if (norms === 'sum')
        return tf.concat([head, tf.sum(tf.concat(allVariables.map((v) => grads[v.name]!.reshape([-1])))).reshape([1])]) as tfType.Tensor1D;
      const layerNorms = tracked.map((t) => tf.sqrt(tf.addN(t.variables.map((v) => tf.sum(tf.square(grads[v.name]!))))));
      return (layerNorms.length > 0 ? tf.concat([head, tf.stack(layerNorms)]) : head) as tfType.Tensor1D;
    });
    tf.dispose([sums!, value]);
    return { stats, grads };
  }

  /** Each tracked layer's gradient norm, summed on the host (a read is free here): no kernels per variable. */
  function hostNorms(grads: tfType.NamedTensorMap): number[] {
    return tracked.map((t) => {
      let sum = 0;
      for (const v of t.variables) {
        const g = (grads[v.name]?.dataSync() ?? []) as Float32Array;
        for (let i = 0; i < g.length; i++) sum += g[i]! * g[i]!;
      }
      // As the device computes it, in float32: a sum of squares past float32's range is ∞, and the
      // step is refused as diverged, on every backend alike.
      return Math.sqrt(Math.fround(sum));
    });
  }

  async function runHost(x: tfType.Tensor, labels: tfType.Tensor): Promise<PendingStep> {
    const {
      value: { stats, grads },
      updates,
    } = collectGuarded(() => compute(x, labels, 'host'));
    const values = Float32Array.from([...((await stats.data()) as Float32Array), ...hostNorms(grads)]);
    stats.dispose();
    let finite = values.every((n) => Number.isFinite(n));
    let overflowed = false;
    const checked = optimizer as tfType.Optimizer & Partial<OverflowGuardedOptimizer>;
    if (finite && typeof checked.applyGradientsUnlessOverflow === 'function') {
      overflowed = !checked.applyGradientsUnlessOverflow(grads);
      finite = !overflowed;
    } else if (finite) {
      // tfjs's optimizers give each variable new data, so these handles keep the old for free.
      const before = allVariables.map((v) => tf.clone(v));
      optimizer.applyGradients(grads);
      const sound = tf.tidy(() => tf.all(tf.isFinite(tf.concat(allVariables.map((v) => v.reshape([-1]))))));
      overflowed = (await sound.data())[0] !== 1;
      sound.dispose();
      if (overflowed) allVariables.forEach((v, i) => v.assign(before[i]!));
      tf.dispose(before);
      finite = !overflowed;
    }
    for (const u of updates) finite ? u.apply(null) : u.discard();
    tf.dispose(Object.values(grads));
    return overflowed ? { values, overflowed, sums: sumsLength } : { values, sums: sumsLength };
  }

  async function runDevice(x: tfType.Tensor, labels: tfType.Tensor, options: { norms?: boolean } = {}): Promise<PendingStep> {
    const norms = options.norms !== false;
    const {
      value: { stats, grads },
      updates,
    } = collectGuarded(() => compute(x, labels, norms ? 'device' : 'sum'));
    healthy ??= tf.tidy(() => tf.variable(tf.scalar(1), false));
    const sound = healthy;
    // The sum of the statistics is finite exactly when the loss and every gradient norm are; and
    // once a step was not, no step queued after it is applied either, so the weights the trainer
    // keeps when it reads the bad step are exactly those from before it.
    const ok = tf.tidy(() => tf.isFinite(tf.sum(stats)).cast('float32').mul(sound));
    if (!runInPlace(LATCH, [sound], [ok], [])) sound.assign(ok);
    for (const u of updates) u.apply(ok);
    const guarded = optimizer as tfType.Optimizer & Partial<GuardedOptimizer>;
    if (guarded.applyGradientsIf?.(grads, ok) !== true) {
      // Three more launches per variable than a guarded optimizer needs.
      const masked = tf.tidy(() => {
        const keep = ok.cast('bool');
        const out: Record<string, tfType.Tensor> = {};
        for (const [name, g] of Object.entries(grads)) out[name] = tf.where(tf.broadcastTo(keep, g.shape), g, tf.zerosLike(g));
        return out;
      });
      optimizer.applyGradients(masked);
      tf.dispose(Object.values(masked));
    }
    tf.dispose([ok, ...Object.values(grads)]);
    return { stats, norms, sums: sumsLength };
  }

  return {
    trackedLayers: tracked.map((t) => t.nodeId),
    guard,
    sumsLength,
    run: guard === 'host' ? runHost : runDevice,
    dispose: () => healthy?.dispose(),
  };
}

/** Reads queued steps with one transfer and disposes their tensors. */
export async function readSteps(tf: Tf, steps: readonly PendingStep[]): Promise<StepResult[]> {
  const onDevice = steps.flatMap((s) => ('stats' in s ? [s.stats] : []));
  let read: Float32Array = new Float32Array(0);
  if (onDevice.length > 0) {
    const joined = tf.concat(onDevice);
    read = (await joined.data()) as Float32Array;
    tf.dispose([joined, ...onDevice]);
  }
  let offset = 0;
  return steps.map((s) => {
    let values: Float32Array;
    if ('values' in s) values = s.values;
    else {
      values = read.subarray(offset, offset + s.stats.shape[0]);
      offset += s.stats.shape[0];
    }
    const measured = !('norms' in s) || s.norms;
    const overflowed = 'overflowed' in s && s.overflowed === true;
    const k = s.sums ?? 1;
    return {
      loss: values[0]!,
      sums: Array.from(values.subarray(1, 1 + k)),
      gradientNorms: measured ? Array.from(values.subarray(1 + k)) : [],
      finite: !overflowed && values.every((n) => Number.isFinite(n)),
      ...(overflowed ? { overflowed } : {}),
    };
  });
}
