/**
 * Equivalence: the exported TensorFlow.js TypeScript (model.ts), imported and run under Node with
 * the same weights, computes what the app's compiled model computes (max abs diff ≤ 1e-4).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { exportGraph } from '../../../engine/export';
import { ALL_CASES } from './cases';
import { maxAbsDiff, reference } from './reference';
import { scratchDir } from './workdir';

const work = scratchDir('tfjs');
afterAll(() => work.remove());

interface ExportedModule {
  buildModel(): { model: tf.LayersModel; logitsModel: tf.LayersModel };
  loadWeights(model: tf.LayersModel, file: unknown): void;
}

describe('TensorFlow.js export computes what the app computes', () => {
  it.each(ALL_CASES().map((doc, i) => [doc.name, doc, i] as const))('%s', async (_name, doc, i) => {
    const ref = await reference(doc);
    const { files } = exportGraph(doc, 'tfjs', { weights: ref.weights });
    const path = join(work.path, `model${i}.ts`);
    writeFileSync(path, files.find((f) => f.name === 'model.ts')!.text);
    const exported = (await import(pathToFileURL(path).href)) as ExportedModule;
    const { model } = exported.buildModel();
    exported.loadWeights(model, JSON.parse(ref.checkpoint));
    const x = tf.tensor(ref.input.data, ref.input.shape);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual(ref.output.shape);
    expect(maxAbsDiff(y.dataSync(), ref.output.data)).toBeLessThanOrEqual(1e-4);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("train.ts trains under Node (tsx) and prints the trainer's events", () => {
    const doc = ALL_CASES().find((d) => d.name === 'MLP')!;
    const dir = join(work.path, 'mlp-train');
    mkdirSync(dir);
    for (const f of exportGraph(doc, 'tfjs', { datasetsDir: join(import.meta.dirname, '../../../datasets') }).files)
      writeFileSync(join(dir, f.name), f.text);
    const tsx = join(import.meta.dirname, '../../../node_modules/.bin/tsx');
    const run = spawnSync(tsx, ['train.ts', '--epochs', '2', '--limit', '64', '--batch-size', '32', '--save', 'trained.json'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const events = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; trainLoss?: number; learningRate?: number });
    expect(
      events.map((e) => e.type),
      run.stderr,
    ).toEqual(['started', 'epoch', 'epoch', 'done']);
    // The MLP template uses SGD with an inverse-time schedule: ε₀ / (1 + 0.5·epoch).
    expect(events[1]!.learningRate).toBeCloseTo(0.05);
    expect(events[2]!.learningRate).toBeCloseTo(0.05 / 1.5);
    expect(JSON.parse(readFileSync(join(dir, 'trained.json'), 'utf8')).format).toBe('netcanvas.weights');
  }, 120_000);
});

describe("train.ts's CSV reader", () => {
  it('reads 200,000 rows (its min and max are loops, not a spread of every row)', async () => {
    const { transformSync } = await import('esbuild');
    const doc = ALL_CASES().find((d) => d.nodes.every((n) => n.type !== 'conv2d'))!;
    const script = exportGraph(doc, 'tfjs').files.find((f) => f.name === 'train.ts')!.text;
    const source = /\nfunction loadCsv[\s\S]*?\n}\n/.exec(script)![0];
    const js = transformSync(source, { loader: 'ts' }).code;
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i % 5},${(i * 3) % 7},${i % 2}`).join('\n');
    const loadCsv = new Function('readFileSync', `${js}; return loadCsv;`)(() => `a,b,label\n${rows}\n`) as (
      path: string,
      limit: number,
    ) => { x: Float32Array; count: number };
    const loaded = loadCsv('data.csv', Infinity);
    expect(loaded.count).toBe(200_000);
    expect(Math.max(...loaded.x.subarray(0, 1000))).toBe(1);
  });
});
