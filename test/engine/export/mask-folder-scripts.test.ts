/**
 * The exported training scripts read a user's segmentation folder (train/ and test/, each with
 * images/ and masks/ of PNGs whose grey values are class ids, and classes.txt) by the app's rules:
 * from the same weights, PyTorch's train.py and TF.js's train.ts report the app's test loss, mean
 * IoU, pixel accuracy and IoU per class on it, and the app's PyTorch runner trains on it for real
 * (/usr/bin/python3).
 * The PNGs come in the colour types people save (grey, RGB, grey + alpha, RGBA; pngjs picks each
 * row's filter), so the scripts' PNG reader meets every filter and layout.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../engine/data';
import { exportGraph } from '../../../engine/export';
import { runPytorchTraining } from '../../../engine/export/pytorch/runner';
import type { Split } from '../../../engine/data/types';
import type { TrainerEvent } from '../../../engine/train/protocol';
import { tinyFcn } from '../train/fixtures';
import { reference } from './reference';
import { appEvaluation, scriptDone, TEST, torch } from './task-script-run';
import { scratchDir } from './workdir';

const work = scratchDir('mask-folder-scripts');
const COLOUR_TYPES = [0, 2, 4, 6] as const;
const SIDE = 64;

/** Writes sample `n` of `split` as an image PNG and a mask PNG, in colour type `colourType`. */
function writePair(dir: string, split: Split, n: number, colourType: number) {
  const png = (value: (p: number) => number) => {
    const image = new pngjs.PNG({ width: SIDE, height: SIDE });
    for (let p = 0; p < SIDE * SIDE; p++) {
      image.data.set([value(p), value(p), value(p), 255], p * 4);
    }
    return pngjs.PNG.sync.write(image, { colorType: colourType as 0 | 2 | 4 | 6 });
  };
  const name = `scene-${String(n).padStart(3, '0')}.png`;
  writeFileSync(
    join(dir, 'images', name),
    png((p) => Math.round(split.x[n * SIDE * SIDE + p]! * 255)),
  );
  writeFileSync(
    join(dir, 'masks', name),
    png((p) => split.masks![n * SIDE * SIDE + p]!),
  );
}

/** A folder as a person would assemble it, from the first scenes of the generated set. */
async function writeMaskFolder(root: string, train: number, test: number): Promise<string> {
  const ds = await loadDataset('embedded:mnist-segmentation', { limit: train, testLimit: test });
  for (const [part, split] of [
    ['train', ds.train],
    ['test', ds.test!],
  ] as const) {
    const dir = join(root, part);
    for (const sub of ['images', 'masks']) mkdirSync(join(dir, sub), { recursive: true });
    for (let n = 0; n < split.count; n++) writePair(dir, split, n, COLOUR_TYPES[n % COLOUR_TYPES.length]!);
  }
  writeFileSync(join(root, 'classes.txt'), ds.classNames.join('\n') + '\n');
  return root;
}

describe.skipIf(!torch.ok)('exported training scripts on a folder of images/ and masks/', () => {
  const doc = tinyFcn({ learningRate: 0.01, batchSize: 8 });
  let folder = '';
  let checkpoint = '';
  beforeAll(async () => {
    folder = await writeMaskFolder(join(work.path, 'scenes'), 48, TEST);
    checkpoint = (await reference(doc)).checkpoint;
  }, 120_000);

  it.each(['pytorch', 'tfjs'] as const)(
    "%s's train script reads it as the app does: the app's test loss and metrics from the same weights",
    async (target) => {
      const app = await appEvaluation(doc, folder, checkpoint);
      const done = scriptDone(doc, target, join(work.path, target), folder, checkpoint);
      expect(done.metrics.testLoss).toBeCloseTo(app.loss, 4);
      for (const [metric, value] of Object.entries(app.metrics.values)) {
        expect(Math.abs(done.metrics.test![metric as keyof typeof app.metrics.values]! - value), metric).toBeLessThanOrEqual(1e-4);
      }
      expect(done.perClassIoU).toHaveLength(11);
      done.perClassIoU!.forEach((v, c) =>
        expect(Math.abs((v ?? 0) - (app.metrics.perClassIoU![c] ?? 0)), `class ${c}`).toBeLessThanOrEqual(1e-4),
      );
    },
    120_000,
  );

  it("the app's PyTorch runner trains on it: the folder's split and class names, the loss falls, masks in the view", async () => {
    const events: TrainerEvent[] = [];
    const code = await runPytorchTraining(
      doc,
      {
        runId: 'r',
        dataset: { source: folder },
        config: { epochs: 2 },
        device: 'cpu',
        checkpointPath: join(work.path, 'trained.weights.json'),
      },
      (e) => events.push(e),
    );
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(code).toBe(0);
    const started = events.find((e): e is Extract<TrainerEvent, { type: 'started' }> => e.type === 'started')!;
    expect(started.dataset).toMatchObject({ trainCount: 44, validationCount: 4, testCount: TEST, shape: [64, 64, 1] });
    expect(started.dataset.classNames).toEqual(['background', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const epochs = events.filter((e): e is Extract<TrainerEvent, { type: 'epoch' }> => e.type === 'epoch');
    expect(epochs[1]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
    const done = events.find((e): e is Extract<TrainerEvent, { type: 'done' }> => e.type === 'done')!;
    expect(done.metrics.test!.pixelAccuracy).toBeGreaterThan(0.7);
    expect(done.view?.kind).toBe('masks');
  }, 180_000);

  it("Keras's train.py reads it as the app does (its reader run with NumPy: there is no Keras here)", async () => {
    const dir = join(work.path, 'keras');
    mkdirSync(dir, { recursive: true });
    for (const f of exportGraph(doc, 'keras').files) writeFileSync(join(dir, f.name), f.text);
    const run = spawnSync(
      torch.ok ? torch.python : 'python3',
      [join(import.meta.dirname, 'keras-data.py'), join(dir, 'train.py'), folder, '40', '16'],
      {
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    const read = JSON.parse(run.stdout);
    const app = await loadDataset(folder, { limit: 40, testLimit: 16 });
    for (const [part, split] of [
      ['train', app.train],
      ['test', app.test!],
    ] as const) {
      expect(read[part].x).toEqual([split.count, 64, 64, 1]);
      expect(read[part].xSum).toBeCloseTo(
        split.x.reduce((a, b) => a + b, 0),
        2,
      );
      expect(read[part].masks).toEqual([split.count, 64, 64]);
      expect(read[part].maskSum).toBe(split.masks!.reduce((a, b) => a + b, 0));
      expect(read[part].maskIds).toEqual([...new Set(split.masks!)].sort((a, b) => a - b));
    }
  });
});
