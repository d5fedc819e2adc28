/**
 * A split's loss and task metrics in inference mode (dropout off, batch norm's running
 * statistics), from the same tensors and sums as the training step (./task-run.ts), read
 * asynchronously (`dataSync` does not exist on WebGPU in Node).
 */
import type * as tfType from '@tensorflow/tfjs';
import type { Split } from '../data/types';
import type { TaskMetrics } from '../task/types';
import { gatherBatch, type BatchTarget } from './batches';
import { tfjsCrossEntropy, type TaskRun } from './task-run';

type Tf = typeof tfType;

export interface TaskEvaluation {
  readonly loss: number;
  readonly metrics: TaskMetrics;
}

/** What a task's batches carry as labels: masks for segmentation, class labels otherwise (reconstruction reads the input). */
export const batchTarget = (run: Pick<TaskRun, 'task'>): BatchTarget => (run.task.target === 'masks' ? 'masks' : 'labels');

export async function evaluateTask(tf: Tf, run: TaskRun, split: Split, shape: readonly number[], batchSize = 64): Promise<TaskEvaluation> {
  const sums = new Float64Array(run.sumsLength);
  let lossSum = 0;
  const crossEntropy = tfjsCrossEntropy(tf);
  for (let start = 0; start < split.count; start += batchSize) {
    const end = Math.min(split.count, start + batchSize);
    const { x, labels } = gatherBatch(tf, split, shape, null, start, end, batchTarget(run));
    const stats = tf.tidy(() => {
      const t = run.tensors(x, labels, false);
      return tf.concat([run.lossOf(t, crossEntropy).reshape([1]), run.sums(t)]);
    });
    const values = (await stats.data()) as Float32Array;
    tf.dispose([x, labels, stats]);
    lossSum += values[0]! * (end - start);
    for (let i = 0; i < sums.length; i++) sums[i]! += values[1 + i]!;
  }
  return { loss: lossSum / Math.max(1, split.count), metrics: run.metrics(sums, split.count) };
}
