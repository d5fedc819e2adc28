/**
 * ONNX import: every template and generated graph, exported to ONNX with random weights and
 * imported back, compiles in the app to the same function (max abs diff ≤ 1e-4) with the same
 * layer types; what cannot be imported is listed by op and node.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/compile';
import { exportGraph, serializeWeights } from '../../../engine/export';
import { ImportError, importOnnx } from '../../../engine/export/onnx/import';
import { ProtoWriter } from '../../../engine/export/onnx/protobuf';
import { encodeModel } from '../../../engine/export/onnx/model-proto';
import { liveSteps, planExport } from '../../../engine/export/plan';
import { applyCheckpoint } from '../../../engine/train/checkpoint';
import { ALL_CASES } from './cases';
import { maxAbsDiff, reference } from './reference';

describe('importOnnx', () => {
  it.each(ALL_CASES().map((doc) => [doc.name, doc] as const))('round-trips %s', async (_name, doc) => {
    const ref = await reference(doc);
    const onnx = exportGraph(doc, 'onnx', { weights: ref.weights }).files[0]!;
    const imported = importOnnx(
      Uint8Array.from(atob(onnx.text), (c) => c.charCodeAt(0)),
      doc.name,
    );

    const types = (d: typeof doc) =>
      liveSteps(planExport(d))
        .map((s) => s.type)
        .sort();
    expect(types(imported.doc)).toEqual(types(doc));

    const compiled = compileGraph(imported.doc, tf);
    applyCheckpoint(tf, compiled, JSON.parse(serializeWeights(imported.weights)));
    const x = tf.tensor(ref.input.data, ref.input.shape);
    const y = compiled.model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual(ref.output.shape);
    expect(maxAbsDiff(y.dataSync(), ref.output.data)).toBeLessThanOrEqual(1e-4);
    tf.dispose([x, y]);
    compiled.model.dispose();
  });

  it('lists what it cannot import', () => {
    const bytes = encodeModel(
      {
        name: 'g',
        doc: '',
        nodes: [
          { op: 'Relu', inputs: ['input'], outputs: ['a'], name: 'act' },
          { op: 'Erf', inputs: ['a'], outputs: ['b'], name: 'erf' },
          { op: 'Softmax', inputs: ['b'], outputs: ['output'], name: 'sm', attributes: { axis: 1 } },
        ],
        initializers: [],
        inputs: [{ name: 'input', shape: ['batch', 8] }],
        outputs: [{ name: 'output', shape: ['batch', 8] }],
      },
      'test',
    );
    try {
      importOnnx(bytes);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ImportError);
      expect((err as ImportError).unsupported).toEqual([
        'Erf erf: no NetCanvas layer does this',
        'Softmax sm: its input b is not something NetCanvas can represent',
      ]);
    }
  });

  it('refuses bytes that are not ONNX', () => {
    expect(() => importOnnx(new ProtoWriter().int(7, 3).finish())).toThrow(/not an ONNX model/);
  });
});
