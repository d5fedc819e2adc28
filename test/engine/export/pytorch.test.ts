/**
 * Equivalence: every template and generated graph, exported to PyTorch and loaded with the same
 * weights, computes what the in-app tfjs model computes (max abs diff ≤ 1e-4). All cases run in one
 * Python process because importing torch takes seconds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { compileGraph } from '../../../engine/compile';
import { exportGraph, serializeWeights } from '../../../engine/export';
import { importOnnx } from '../../../engine/export/onnx/import';
import { applyCheckpoint } from '../../../engine/train/checkpoint';
import { parseWeights } from '../../../engine/export/weights';
import { ALL_CASES } from './cases';
import { maxAbsDiff, reference, type Reference } from './reference';
import { findTorchPython, scratchDir } from './workdir';

const torch = findTorchPython();
/** Graphs whose PyTorch export torch.onnx turns into ops the importer knows (no F.pad, no bilinear helper). */
const TORCH_ONNX = ['LeNet-5', 'Fashion CNN', 'Small ResNet', 'MLP'];
const cases = ALL_CASES();
const work = scratchDir('pytorch');
const refs = new Map<string, Reference>();

describe.skipIf(!torch.ok)('PyTorch export computes what the app computes', () => {
  beforeAll(async () => {
    for (const [i, doc] of cases.entries()) {
      const ref = await reference(doc);
      refs.set(doc.name, ref);
      const dir = join(work.path, `case${String(i).padStart(2, '0')}`);
      mkdirSync(dir);
      const { files } = exportGraph(doc, 'pytorch');
      writeFileSync(join(dir, 'model.py'), files.find((f) => f.name === 'model.py')!.text);
      writeFileSync(join(dir, 'weights.json'), ref.checkpoint);
      writeFileSync(join(dir, 'input.json'), JSON.stringify({ shape: ref.input.shape, data: Array.from(ref.input.data) }));
      writeFileSync(join(dir, 'name.txt'), doc.name);
      if (TORCH_ONNX.includes(doc.name)) writeFileSync(join(dir, 'export-onnx'), '');
    }
    const run = spawnSync(torch.ok ? torch.python : 'python3', [join(import.meta.dirname, 'run-pytorch.py'), work.path], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.status !== 0) throw new Error(`run-pytorch.py failed: ${run.stderr}`);
  }, 180_000);
  afterAll(() => work.remove());

  it.each(cases.map((doc, i) => [doc.name, i] as const))('%s', (name, i) => {
    const dir = join(work.path, `case${String(i).padStart(2, '0')}`);
    if (existsSync(join(dir, 'error.txt'))) throw new Error(readFileSync(join(dir, 'error.txt'), 'utf8'));
    const got = JSON.parse(readFileSync(join(dir, 'output.json'), 'utf8')) as { shape: number[]; data: number[] };
    const want = refs.get(name)!.output;
    expect(got.shape).toEqual(want.shape);
    expect(maxAbsDiff(got.data, want.data)).toBeLessThanOrEqual(1e-4);
    // Weights saved by the PyTorch export are the app's weights, exactly.
    const resaved = parseWeights(readFileSync(join(dir, 'resaved.json'), 'utf8'));
    for (const [id, tensors] of Object.entries(refs.get(name)!.weights.layers)) {
      for (const [role, t] of Object.entries(tensors)) {
        expect(resaved.layers[id]?.[role]?.shape, `${id}/${role}`).toEqual(t.shape);
        expect(maxAbsDiff(resaved.layers[id]![role]!.data, t.data), `${id}/${role}`).toBe(0);
      }
    }
  });

  it.each(TORCH_ONNX)("imports PyTorch's own ONNX export of %s (NCHW) back into the same function", async (name) => {
    const i = cases.findIndex((d) => d.name === name);
    const bytes = readFileSync(join(work.path, `case${String(i).padStart(2, '0')}`, 'torch.onnx'));
    const imported = importOnnx(bytes, name);
    const ref = refs.get(name)!;
    await tf.setBackend('cpu');
    const compiled = compileGraph(imported.doc, tf);
    applyCheckpoint(tf, compiled, JSON.parse(serializeWeights(imported.weights)));
    const x = tf.tensor(ref.input.data, ref.input.shape);
    const y = compiled.model.predict(x) as tf.Tensor;
    expect(maxAbsDiff(y.dataSync(), ref.output.data)).toBeLessThanOrEqual(1e-4);
    tf.dispose([x, y]);
    compiled.model.dispose();
  });
});
