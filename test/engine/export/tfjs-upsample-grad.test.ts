/**
 * The exported TF.js train.ts runs on tfjs's plain `cpu` backend under Node, whose gradient of
 * nearest upsampling reads the wrong pixels for every sample after a batch's first (the app replaces
 * that kernel: engine/train/backends/cpu-kernels.ts). One SGD step of an upsampling autoencoder on a
 * batch of 8, from the same weights, must move every weight as the app's trainer moves it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { exportGraph } from '../../../engine/export';
import type { Checkpoint } from '../../../engine/train/checkpoint';
import { train } from '../../../engine/train/train';
import { embeddedFolder } from '../../../engine/data/embedded';
import { tinyAutoencoder } from '../train/fixtures';
import { reference } from './reference';
import { scratchDir } from './workdir';

const work = scratchDir('tfjs-upsample-grad');
const tsx = join(import.meta.dirname, '../../../node_modules/.bin/tsx');

/** Every weight of a checkpoint by node and role, as numbers. */
function values(checkpoint: Checkpoint): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [node, weights] of Object.entries(checkpoint.layers)) {
    for (const w of weights) {
      const bytes = Buffer.from(w.data, 'base64');
      out.set(`${node}.${w.name}`, new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    }
  }
  return out;
}

it("TF.js's train.ts takes the app's SGD step through a nearest upsample (tfjs's cpu gradient corrected)", async () => {
  const doc = tinyAutoencoder({
    loss: 'mse',
    optimizer: 'sgd',
    momentum: 0,
    learningRate: 0.5,
    batchSize: 8,
    epochs: 1,
    validationSplit: 0,
  });
  expect(doc.nodes.some((n) => n.type === 'upsample2d' && n.params['interpolation'] === undefined)).toBe(true);
  const dir = work.path;
  mkdirSync(dir, { recursive: true });
  const initial = (await reference(doc)).checkpoint;
  writeFileSync(join(dir, 'initial.json'), initial);
  const result = await train(
    {
      type: 'start',
      runId: 'app',
      graph: doc,
      dataset: { source: 'embedded:mnist', limit: 8, testLimit: 8 },
      backend: 'cpu',
      initFrom: join(dir, 'initial.json'),
      checkpointPath: join(dir, 'app.weights.json'),
    },
    { onEvent: () => {} },
  );
  expect(result.type).toBe('done');

  for (const f of exportGraph(doc, 'tfjs').files) writeFileSync(join(dir, f.name), f.text);
  const folder = (await embeddedFolder('mnist'))!;
  const run = spawnSync(
    tsx,
    ['train.ts', '--data', folder, '--epochs', '1', '--batch-size', '8', '--limit', '8', '--test-limit', '8'].concat([
      '--weights',
      'initial.json',
      '--save',
      'script.weights.json',
    ]),
    { cwd: dir, encoding: 'utf8', timeout: 120_000 },
  );
  expect(run.stdout).toContain('"type":"done"');

  const before = values(JSON.parse(initial));
  const app = values(JSON.parse(readFileSync(join(dir, 'app.weights.json'), 'utf8')));
  const script = values(JSON.parse(readFileSync(join(dir, 'script.weights.json'), 'utf8')));
  expect([...script.keys()].sort()).toEqual([...app.keys()].sort());
  for (const [key, moved] of app) {
    const start = before.get(key)!;
    const step = Math.max(...moved.map((v, i) => Math.abs(v - start[i]!)));
    const apart = Math.max(...moved.map((v, i) => Math.abs(v - script.get(key)![i]!)));
    expect(step, `${key} moved`).toBeGreaterThan(0);
    // The same step up to float rounding; tfjs's own gradient is off by a good part of the step itself.
    expect(apart, `${key}: the script's step differs from the app's by ${apart} (the step is ${step})`).toBeLessThan(1e-3 * step + 1e-6);
  }
}, 120_000);
