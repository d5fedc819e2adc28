/**
 * The lecture's two kinds of averaging at test time, measured on a split:
 * - dropout's test-time rules: (a) weight scaling — inverted dropout at training time makes that
 *   the plain inference pass, what `evaluate` does — against (b) Monte-Carlo averaging of the
 *   probabilities of k stochastic passes, each with fresh dropout masks (one of the thinned nets);
 * - ensembles: the probabilities of several independently trained nets averaged.
 *
 * @example
 *   const curve = await mcDropoutCurve(tf, compiled, split, shape, 10, [1, 2, 5, 10]);
 *   curve.weightScaling.accuracy // 0.981; curve.points[3] // { k: 10, accuracy: 0.983, loss: 0.061 }
 */
import type * as tfType from '@tensorflow/tfjs';
import type { CompiledGraph } from '../compile/compile';
import type { Split } from '../data/types';
import { gatherBatch } from '../train/batches';

type Tf = typeof tfType;

export interface Score {
  readonly accuracy: number;
  /** Mean cross-entropy of the (averaged) probabilities. */
  readonly loss: number;
}

/** Accuracy and loss of `count` rows of class probabilities against labels. */
export function score(probs: Float32Array, labels: ArrayLike<number>, numClasses: number): Score {
  const count = labels.length;
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (probs[i * numClasses + c]! > probs[i * numClasses + best]!) best = c;
    if (best === labels[i]) correct++;
    loss -= Math.log(Math.max(probs[i * numClasses + labels[i]!]!, 1e-12));
  }
  return { accuracy: correct / Math.max(1, count), loss: loss / Math.max(1, count) };
}

/** Softmax probabilities of the whole split, batch by batch; `before` runs before each batch's pass. */
export async function splitProbabilities(tf: Tf, compiled: CompiledGraph, split: Split, shape: readonly number[], batchSize = 256) {
  const out = new Float32Array(split.count * (compiled.model.outputs[0]!.shape.at(-1) as number));
  let offset = 0;
  for (let start = 0; start < split.count; start += batchSize) {
    const { x, labels } = gatherBatch(tf, split, shape, null, start, Math.min(split.count, start + batchSize));
    const probs = tf.tidy(() => tf.softmax(compiled.logitsModel.predict(x) as tfType.Tensor));
    const values = (await probs.data()) as Float32Array;
    out.set(values, offset);
    offset += values.length;
    tf.dispose([x, labels, probs]);
  }
  return out;
}

/** The graph's dropout layers that can draw masks at test time (engine/compile/customLayers). */
interface SamplingDropout {
  readonly rate: number;
  sampleAtTest(seed: number | null): void;
}
const dropoutLayers = (compiled: CompiledGraph) =>
  compiled.model.layers.filter(
    (l): l is tfType.layers.Layer & SamplingDropout => typeof (l as Partial<SamplingDropout>).sampleAtTest === 'function',
  );

export interface McDropoutCurve {
  /** Rule (a): one deterministic pass (the weights scaled, as evaluate does). */
  readonly weightScaling: Score;
  /** Rule (b): for each k, the probabilities of passes 1…k averaged. */
  readonly points: readonly (Score & { readonly k: number })[];
  /** The dropout layers and their rates (none: every pass is the same net). */
  readonly dropout: readonly { readonly nodeId: string; readonly rate: number }[];
}

/**
 * Rule (b) for each k in `ks`, from max(ks) passes with independent masks (the k-pass average is
 * the running mean of the first k, so the curve costs max(ks) passes, not their sum). Seeded.
 */
export async function mcDropoutCurve(
  tf: Tf,
  compiled: CompiledGraph,
  split: Split,
  shape: readonly number[],
  numClasses: number,
  ks: readonly number[],
  seed = 1,
): Promise<McDropoutCurve> {
  const layers = dropoutLayers(compiled);
  const byName = new Map([...compiled.layerNames].map(([id, name]) => [name, id]));
  const dropout = layers.map((l) => ({ nodeId: byName.get(l.name) ?? l.name, rate: l.rate }));
  const weightScaling = score(await splitProbabilities(tf, compiled, split, shape), split.y, numClasses);
  const want = new Set(ks);
  const sum = new Float32Array(split.count * numClasses);
  const points: (Score & { k: number })[] = [];
  try {
    for (let k = 1; k <= Math.max(...ks); k++) {
      layers.forEach((l, i) => l.sampleAtTest(seed * 1_000_003 + k * 7919 + i));
      const probs = await splitProbabilities(tf, compiled, split, shape);
      for (let j = 0; j < sum.length; j++) sum[j]! += probs[j]!;
      if (want.has(k))
        points.push({
          k,
          ...score(
            sum.map((v) => v / k),
            split.y,
            numClasses,
          ),
        });
    }
  } finally {
    for (const l of layers) l.sampleAtTest(null);
  }
  return { weightScaling, points, dropout };
}

export interface EnsembleResult {
  /** Each member's own score, in the order given. */
  readonly members: readonly Score[];
  /** The average of the members' probabilities. */
  readonly ensemble: Score;
  /** The members' mean error (1 − accuracy), the number an ensemble is compared with. */
  readonly meanMemberError: number;
}

/** Scores each member and their average on one split (members share input shape and classes). */
export async function ensembleScores(
  tf: Tf,
  members: readonly CompiledGraph[],
  split: Split,
  shape: readonly number[],
  numClasses: number,
): Promise<EnsembleResult> {
  const sum = new Float32Array(split.count * numClasses);
  const scores: Score[] = [];
  for (const compiled of members) {
    const probs = await splitProbabilities(tf, compiled, split, shape);
    scores.push(score(probs, split.y, numClasses));
    for (let j = 0; j < sum.length; j++) sum[j]! += probs[j]!;
  }
  const ensemble = score(
    sum.map((v) => v / members.length),
    split.y,
    numClasses,
  );
  return { members: scores, ensemble, meanMemberError: scores.reduce((a, s) => a + (1 - s.accuracy), 0) / Math.max(1, scores.length) };
}

/**
 * Why these nets cannot form an ensemble (null when they can): each must take the first one's
 * input and give its number of classes, since their probabilities are averaged sample by sample.
 */
export function ensembleMisfit(
  nets: readonly { readonly label: string; readonly inputShape: readonly number[]; readonly numClasses: number }[],
): string | null {
  const [first] = nets;
  const odd = nets.find((m) => m.inputShape.join() !== first!.inputShape.join() || m.numClasses !== first!.numClasses);
  if (!odd) return null;
  return `${odd.label} takes ${odd.inputShape.join('×')} and gives ${odd.numClasses} classes, but ${first!.label} takes ${first!.inputShape.join('×')} and gives ${first!.numClasses}: an ensemble's nets must share input and classes`;
}
