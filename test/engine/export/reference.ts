/**
 * The in-app model as the oracle: compile the graph with the app's compiler, give every weight
 * (batch norm's moving statistics included) a non-trivial random value, and run it on random
 * inputs. The weights travel as the trainer's own checkpoint (engine/train/checkpoint.ts), so
 * the tests also prove that `netcanvas train` checkpoints export as they are.
 */
import * as tf from '@tensorflow/tfjs';
import { compileGraph } from '../../../engine/compile';
import type { GraphDoc } from '../../../engine/graph/types';
import { mulberry32 } from '../../../engine/data/random';
import { parseWeights, type WeightsFile } from '../../../engine/export/weights';
import { nodeWeights } from '../../../engine/compile/weights';
import { captureWeights, graphDefined } from '../../../engine/train/checkpoint';

export interface Reference {
  readonly doc: GraphDoc;
  /** The checkpoint JSON text, as `netcanvas train` writes it. */
  readonly checkpoint: string;
  readonly weights: WeightsFile;
  /** NHWC (or [batch, N]) inputs, row-major. */
  readonly input: { shape: number[]; data: Float32Array };
  readonly output: { shape: number[]; data: Float32Array };
}

export async function reference(doc: GraphDoc, batch = 2, seed = 7): Promise<Reference> {
  await tf.setBackend('cpu');
  const random = mulberry32(seed);
  const compiled = compileGraph(doc, tf, { seed });
  const { model } = compiled;
  // A frozen hand-set kernel is the graph's own (the trainer and the exports keep it whatever a checkpoint says).
  const fixed = new Set(
    [...nodeWeights(compiled).values()]
      .flat()
      .filter((w) => graphDefined(w.spec))
      .map((w) => w.variable),
  );
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (weights.length === 0) continue;
    layer.setWeights(
      weights.map((w) => {
        if (fixed.has(w)) return tf.clone(w.read());
        const role = w.originalName.split('/').pop()!.replace(/_\d+$/, '');
        const size = w.shape.reduce((a: number, b) => a * b!, 1);
        // Kernels scaled by fan-in (as Glorot-uniform would) keep activations near 1 in deep graphs.
        const scale = role === 'kernel' ? Math.sqrt(6 / (size / w.shape[w.shape.length - 1]!)) : 0.4;
        const values = Float32Array.from({ length: size }, () =>
          role === 'moving_variance' || role === 'gamma' ? 0.5 + random() : (random() - 0.5) * 2 * scale,
        );
        return tf.tensor(values, w.shape as number[]);
      }),
    );
  }
  const checkpoint = JSON.stringify({
    format: 'netcanvas.weights',
    version: 1,
    graphName: doc.name,
    savedAt: '',
    layers: await captureWeights(compiled),
  });
  const shape = [batch, ...model.inputs[0]!.shape.slice(1).map(Number)];
  const inputData = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1);
  const x = tf.tensor(inputData, shape);
  const y = model.predict(x) as tf.Tensor;
  const output = { shape: y.shape, data: y.dataSync() as Float32Array };
  tf.dispose([x, y]);
  model.dispose();
  return { doc, checkpoint, weights: parseWeights(checkpoint), input: { shape, data: inputData }, output };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(worst) ? Infinity : worst;
}
