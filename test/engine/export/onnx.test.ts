/**
 * Equivalence: every template and generated graph, exported to a .onnx file with the same weights,
 * gives what the in-app tfjs model gives when run by onnxruntime (CPU), max abs diff ≤ 1e-4.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportGraph } from '../../../engine/export';
import { ALL_CASES } from './cases';
import { maxAbsDiff, reference } from './reference';

describe('ONNX export computes what the app computes', () => {
  it.each(ALL_CASES().map((doc) => [doc.name, doc] as const))('%s', async (_name, doc) => {
    const ref = await reference(doc);
    const { files } = exportGraph(doc, 'onnx', { weights: ref.weights });
    expect(files.map((f) => f.name)).toEqual(['model.onnx']);
    const bytes = Buffer.from(files[0]!.text, 'base64');
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['input']);
    const result = await session.run({ input: new ort.Tensor('float32', ref.input.data, ref.input.shape) });
    const y = result.output!;
    expect([...y.dims]).toEqual(ref.output.shape);
    expect(maxAbsDiff(y.data as Float32Array, ref.output.data)).toBeLessThanOrEqual(1e-4);
    await session.release();
  });

  it("refuses a graph with errors, with the checker's message", () => {
    const doc = ALL_CASES()[0]!;
    const broken = { ...doc, nodes: doc.nodes.map((n) => (n.type === 'dense' ? { ...n, params: { units: -3 } } : n)) };
    expect(() => exportGraph(broken, 'onnx')).toThrow(/units/);
  });
});
