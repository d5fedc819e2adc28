/**
 * What a task shows of the net's predictions, as plain numbers for the renderer: segmentation's
 * test images with their true and predicted masks; an autoencoder's originals and reconstructions,
 * and the test set's codes where a node has exactly 2 outputs (a 2-unit bottleneck). Computed
 * after every epoch and at the end, on the first samples of the test split.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { CompiledGraph } from '../compile/compile';
import { nodeModel } from '../compile/heads';
import { sampleBytes } from '../data/pixels';
import type { Dataset, Split } from '../data/types';
import type { ViewId } from '../task/types';
import { gatherBatch } from './batches';
import type { CodePoints, TaskView } from './protocol';
import { batchTarget } from './task-evaluate';
import type { TaskRun } from './task-run';

type Tf = typeof tfType;

/** Samples drawn per view: enough for a grid, small enough for an event each epoch. */
export const VIEW_SAMPLES = 8;
/** Codes drawn in the scatter. */
export const CODE_SAMPLES = 500;

const wants = (run: TaskRun, view: ViewId) => run.task.views.includes(view);

/** The view for this run's task, or null for a task without one (classification's are in `done`). */
export async function taskView(tf: Tf, run: TaskRun, compiled: CompiledGraph, ds: Dataset, split: Split | null): Promise<TaskView | null> {
  if (!split || split.count === 0) return null;
  const n = Math.min(VIEW_SAMPLES, split.count);
  const { x, labels } = gatherBatch(tf, split, ds.shape, null, 0, n, batchTarget(run));
  try {
    const pixels = Array.from({ length: n }, (_, i) => sampleBytes(split, ds.shape, i, ds.normalization));
    if (wants(run, 'masks')) {
      const predicted = tf.tidy(() => tf.argMax(run.tensors(x, labels, false).scores, -1));
      const [p, t] = [await predicted.data(), await labels.data()];
      predicted.dispose();
      const per = p.length / n;
      const samples = pixels.map((px, i) => ({
        index: i,
        pixels: px,
        shape: [...ds.shape],
        truth: Array.from(t.subarray(i * per, (i + 1) * per)),
        predicted: Array.from(p.subarray(i * per, (i + 1) * per)),
      }));
      return { kind: 'masks', samples };
    }
    if (wants(run, 'reconstructions')) {
      const out = tf.tidy(() => tf.mul(tf.clipByValue(run.tensors(x, labels, false).output, 0, 1), 255).round());
      const values = await out.data();
      out.dispose();
      const per = values.length / n;
      const samples = pixels.map((px, i) => ({
        index: i,
        pixels: px,
        reconstruction: Array.from(values.subarray(i * per, (i + 1) * per)),
        shape: [...ds.shape],
      }));
      const codes = wants(run, 'codes') ? await codePoints(tf, compiled, ds, split) : null;
      return { kind: 'reconstructions', samples, ...(codes ? { codes } : {}) };
    }
    return null;
  } finally {
    tf.dispose([x, labels]);
  }
}

/** The first node (in the graph's order) with exactly 2 outputs per sample, other than the input. */
export function codeNode(compiled: CompiledGraph): string | null {
  const { check } = compiled;
  return (
    check.order.find(
      (id) => id !== check.inputId && check.nodes[id]!.outputShape?.length === 1 && check.nodes[id]!.outputShape![0] === 2,
    ) ?? null
  );
}

async function codePoints(tf: Tf, compiled: CompiledGraph, ds: Dataset, split: Split): Promise<CodePoints | null> {
  const nodeId = codeNode(compiled);
  if (nodeId == null) return null;
  const model = nodeModel(tf, compiled, nodeId);
  const n = Math.min(CODE_SAMPLES, split.count);
  const { x, labels } = gatherBatch(tf, split, ds.shape, null, 0, n);
  const codes = tf.tidy(() => model.predict(x) as tfType.Tensor);
  const values = await codes.data();
  tf.dispose([x, labels, codes]);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    xs.push(Number(values[2 * i]!.toPrecision(5)));
    ys.push(Number(values[2 * i + 1]!.toPrecision(5)));
  }
  return { nodeId, x: xs, y: ys, labels: ds.unlabelled ? null : Array.from(split.y.subarray(0, n)) };
}
