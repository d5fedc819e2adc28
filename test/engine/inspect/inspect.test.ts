/**
 * Inspection, against independent oracles: feature maps equal each layer's own output in a tfjs
 * sub-model built from the layer (every layer type, the export corpus's graphs) and the model's
 * prediction at the output; Monte-Carlo dropout with rate 0 equals plain evaluation for every k;
 * an ensemble of one net equals the net; more dropout passes agree with the weight-scaling rule.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/compile';
import { loadDataset } from '../../../engine/data/load';
import type { GraphDoc } from '../../../engine/graph/types';
import { ensembleScores, mcDropoutCurve } from '../../../engine/inspect/averaging';
import { featureMaps } from '../../../engine/inspect/featureMaps';
import { LAYER_TYPES } from '../../../engine/layers/registry';
import { evaluateSplit } from '../../../engine/train/evaluate';
import { GENERATED } from '../export/cases';
import { tinyCnn } from '../train/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('feature maps', () => {
  it('equal each layer’s output in a sub-model of the compiled model, for every layer type', async () => {
    const seen = new Set<string>();
    for (const doc of GENERATED) {
      const compiled = compileGraph(doc, tf, { seed: 2 });
      const shape = compiled.model.inputs[0]!.shape.slice(1) as number[];
      const sample = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37));
      const maps = await featureMaps(tf, compiled, sample);
      expect(maps.map((m) => m.nodeId)).toEqual(compiled.check.order);
      const x = tf.tensor(sample, [1, ...shape]);
      for (const map of maps) {
        seen.add(map.type);
        const layer = compiled.model.getLayer(compiled.layerNames.get(map.nodeId)!);
        const oracle =
          map.type === 'input' ? x : (tf.model({ inputs: compiled.model.inputs, outputs: layer.output }).predict(x) as tf.Tensor);
        expect(map.shape, `${doc.name} ${map.nodeId}`).toEqual(oracle.shape.slice(1));
        const want = oracle.dataSync();
        expect(Array.from(map.values), `${doc.name} ${map.nodeId}`).toEqual(Array.from(want));
        expect(map.min).toBe(Math.min(...want));
        expect(map.max).toBe(Math.max(...want));
      }
      const out = compiled.model.predict(x) as tf.Tensor;
      expect(Array.from(maps.at(-1)!.values)).toEqual(Array.from(out.dataSync()));
      tf.dispose([x, out]);
      compiled.model.dispose();
    }
    expect(LAYER_TYPES.filter((t) => !seen.has(t))).toEqual([]);
  });

  it('for chosen nodes only, and names a node that is not there or a sample of the wrong size', async () => {
    const compiled = compileGraph(tinyCnn(), tf);
    const sample = new Float32Array(784).fill(0.5);
    const [c1] = await featureMaps(tf, compiled, sample, ['c1']);
    expect(c1).toMatchObject({ nodeId: 'c1', type: 'conv2d', shape: [12, 12, 4] });
    await expect(featureMaps(tf, compiled, sample, ['c9'])).rejects.toThrow('there is no node "c9"');
    await expect(featureMaps(tf, compiled, new Float32Array(10))).rejects.toThrow('the sample has 10 values but the input is 28×28×1');
    compiled.model.dispose();
  });
});

describe('Monte-Carlo dropout and ensembles', () => {
  let split: Awaited<ReturnType<typeof loadDataset>>['train'];
  beforeAll(async () => {
    split = (await loadDataset('embedded:mnist', { limit: 200 })).train;
  });
  const withDropout = (rate: number): GraphDoc => {
    const doc = tinyCnn();
    return { ...doc, nodes: doc.nodes.map((n) => (n.id === 'drop' ? { ...n, params: { rate } } : n)) };
  };

  it('with rate 0, every k equals plain evaluation', async () => {
    const compiled = compileGraph(withDropout(0), tf, { seed: 5 });
    const plain = await evaluateSplit(tf, compiled, split, [28, 28, 1], 10);
    const curve = await mcDropoutCurve(tf, compiled, split, [28, 28, 1], 10, [1, 2, 5]);
    expect(curve.weightScaling.accuracy).toBe(plain.accuracy);
    expect(curve.weightScaling.loss).toBeCloseTo(plain.loss, 5);
    for (const p of curve.points) {
      expect(p.accuracy, `k=${p.k}`).toBe(plain.accuracy);
      expect(p.loss, `k=${p.k}`).toBeCloseTo(plain.loss, 5);
    }
    compiled.model.dispose();
  });

  it('with dropout, passes differ, the average over k approaches the weight-scaling rule, and test mode is restored', async () => {
    const compiled = compileGraph(withDropout(0.5), tf, { seed: 5 });
    const curve = await mcDropoutCurve(tf, compiled, split, [28, 28, 1], 10, [1, 20]);
    expect(curve.dropout).toEqual([{ nodeId: 'drop', rate: 0.5 }]);
    const [one, twenty] = curve.points;
    expect(one!.loss).not.toBeCloseTo(curve.weightScaling.loss, 3);
    expect(Math.abs(twenty!.loss - curve.weightScaling.loss)).toBeLessThan(Math.abs(one!.loss - curve.weightScaling.loss));
    // After the curve, evaluation is deterministic again.
    const again = await evaluateSplit(tf, compiled, split, [28, 28, 1], 10);
    expect(again.accuracy).toBe(curve.weightScaling.accuracy);
    compiled.model.dispose();
  });

  it('an ensemble of one net equals the net; of two, the average of their probabilities', async () => {
    const a = compileGraph(tinyCnn(), tf, { seed: 1 });
    const b = compileGraph(tinyCnn(), tf, { seed: 2 });
    const plain = await evaluateSplit(tf, a, split, [28, 28, 1], 10);
    const one = await ensembleScores(tf, [a], split, [28, 28, 1], 10);
    expect(one.ensemble.accuracy).toBe(plain.accuracy);
    expect(one.members[0]!.accuracy).toBe(plain.accuracy);
    expect(one.meanMemberError).toBeCloseTo(1 - plain.accuracy, 12);
    const two = await ensembleScores(tf, [a, b], split, [28, 28, 1], 10);
    expect(two.members.map((m) => m.accuracy)).toEqual([plain.accuracy, (await evaluateSplit(tf, b, split, [28, 28, 1], 10)).accuracy]);
    expect(two.ensemble.accuracy).not.toBe(plain.accuracy);
    a.model.dispose();
    b.model.dispose();
  });
});
