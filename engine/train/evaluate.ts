/**
 * Loss, accuracy, confusion matrix and the most confidently misclassified samples of a split,
 * computed in inference mode (dropout off, batchNorm's running statistics).
 */
import type * as tfType from '@tensorflow/tfjs';
import type { CompiledGraph } from '../compile/compile';
import { sampleBytes } from '../data/pixels';
import type { Normalization, Split } from '../data/types';
import type { MisclassifiedSample } from './protocol';
import { gatherBatch } from './batches';

type Tf = typeof tfType;

export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
  /** confusion[true][predicted]. */
  readonly confusion: number[][];
  readonly misclassified: MisclassifiedSample[];
}

export interface EvaluateOptions {
  readonly batchSize?: number;
  /** How many misclassified samples to return (most confident first); 0 for none. */
  readonly misclassifiedLimit?: number;
  readonly normalization?: Normalization;
}

/** Softmax probabilities for a batch of inputs, whatever the graph's last layer. */
export function predictProbabilities(tf: Tf, compiled: CompiledGraph, x: tfType.Tensor): tfType.Tensor2D {
  return tf.tidy(() => tf.softmax(compiled.logitsModel.predict(x) as tfType.Tensor) as tfType.Tensor2D);
}

/** Reads asynchronously (`dataSync` does not exist on WebGPU in Node). */
export async function evaluateSplit(
  tf: Tf,
  compiled: CompiledGraph,
  split: Split,
  shape: readonly number[],
  numClasses: number,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const batchSize = options.batchSize ?? 256;
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const wrong: { index: number; label: number; predicted: number; confidence: number }[] = [];
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < split.count; start += batchSize) {
    const end = Math.min(split.count, start + batchSize);
    const { x, labels } = gatherBatch(tf, split, shape, null, start, end);
    const [lossTotal, probs] = tf.tidy(() => {
      const logits = compiled.logitsModel.predict(x) as tfType.Tensor;
      const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numClasses), logits, undefined, undefined, tf.Reduction.SUM);
      return [loss, tf.softmax(logits)] as const;
    });
    lossSum += (await lossTotal.data())[0]!;
    const p = await probs.data();
    tf.dispose([x, labels, lossTotal, probs]);
    for (let k = 0; k < end - start; k++) {
      let best = 0;
      for (let c = 1; c < numClasses; c++) if (p[k * numClasses + c]! > p[k * numClasses + best]!) best = c;
      const label = split.y[start + k]!;
      confusion[label]![best]!++;
      if (best === label) correct++;
      else wrong.push({ index: start + k, label, predicted: best, confidence: p[k * numClasses + best]! });
    }
  }
  const count = Math.max(1, split.count);
  wrong.sort((a, b) => b.confidence - a.confidence);
  const misclassified = wrong
    .slice(0, options.misclassifiedLimit ?? 0)
    .map((w) => ({ ...w, pixels: sampleBytes(split, shape, w.index, options.normalization), shape: [...shape] }));
  return { loss: lossSum / count, accuracy: correct / count, confusion, misclassified };
}
