/**
 * `netcanvas evaluate` and `predict` for graphs trained for segmentation or reconstruction
 * (`training.task`): evaluate reports the task's metrics (mean IoU, pixel accuracy and IoU per
 * class; PSNR and MSE); predict writes each input's predicted mask (class ids as grey values, the
 * mask-folder format) or its reconstruction as a PNG beside the input.
 */
import { basename, dirname, extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import pngjs from 'pngjs';
import type { Dataset } from '../data/types';
import { plainReason, writeFileAtomic } from '../io';
import type { TrainingConfig } from '../graph/training';
import { taskMisfit } from '../task/fit';
import { evaluateTask } from '../train/task-evaluate';
import { taskRun } from '../train/task-run';
import type { Trained } from '../train/predict';
import { CliError, out } from './io';
import { metricText } from './progress';
import type { PredictInput } from './predictInput';

export async function evaluateForTask(trained: Trained, ds: Dataset, config: TrainingConfig, json: boolean): Promise<void> {
  const misfit = taskMisfit(
    config.task,
    ds,
    trained.inputShape,
    trained.compiled.check.nodes[trained.compiled.check.outputIds[0]!]!.outputShape!,
  );
  if (misfit) throw new CliError(misfit);
  const split = ds.test && ds.test.count > 0 ? ds.test : ds.train;
  const run = taskRun(tf, trained.compiled, config, ds.normalization);
  const result = await evaluateTask(tf, run, split, ds.shape);
  const failure = trained.gpuFailure();
  if (failure) throw new CliError(failure);
  const which = split === ds.test ? 'test' : 'train';
  const ious = result.metrics.perClassIoU;
  if (json) {
    out(
      JSON.stringify({
        dataset: ds.name,
        split: which,
        count: split.count,
        task: config.task,
        loss: result.loss,
        metrics: result.metrics.values,
        ...(ious ? { perClassIoU: ious, classNames: ds.classNames } : {}),
      }),
    );
    return;
  }
  out(`${ds.name}, ${which}${which === 'train' ? ' (the dataset has no test split)' : ''}: ${split.count} samples on ${trained.backend}`);
  out(`loss ${result.loss.toFixed(4)}${metricText(result.metrics.values)}`);
  if (ious)
    out(`IoU per class: ${ious.map((v, c) => `${ds.classNames[c] ?? c} ${v === null ? '—' : `${(100 * v).toFixed(2)}%`}`).join(', ')}`);
}

/** A grey (or RGB) PNG of `values` (0–255) of height×width, through the one atomic write. */
async function writePng(path: string, values: ArrayLike<number>, height: number, width: number, channels = 1): Promise<void> {
  const png = new pngjs.PNG({ width, height });
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++)
      png.data[p * 4 + c] = Math.max(0, Math.min(255, Math.round(values[p * channels + (channels === 3 ? c : 0)]!)));
    png.data[p * 4 + 3] = 255;
  }
  try {
    await writeFileAtomic(path, pngjs.PNG.sync.write(png));
  } catch (err) {
    throw new CliError(`cannot write ${path}: ${plainReason(err)}`);
  }
}

/** Writes NAME.mask.png (segmentation: class ids) or NAME.reconstruction.png beside each input image. */
export async function predictForTask(
  trained: Trained,
  input: PredictInput,
  inputPath: string,
  config: TrainingConfig,
  classNames: readonly string[] | null,
  json: boolean,
): Promise<void> {
  if (extname(inputPath).toLowerCase() === '.csv')
    throw new CliError(`${config.task} predicts images: --input must be a PNG or JPEG image`);
  const run = taskRun(tf, trained.compiled, config);
  const [h, w, c] = trained.inputShape as [number, number, number];
  const x = tf.tensor(input.x, [input.count, ...trained.inputShape], 'float32');
  const result = tf.tidy(() => {
    const t = run.tensors(x, x, false);
    return run.task.target === 'masks' ? tf.argMax(t.scores, -1) : tf.mul(tf.clipByValue(t.output, 0, 1), 255);
  });
  const values = await result.data();
  tf.dispose([x, result]);
  const failure = trained.gpuFailure();
  if (failure) throw new CliError(failure);
  const stem = join(dirname(inputPath), basename(inputPath, extname(inputPath)));
  const suffix = run.task.target === 'masks' ? 'mask' : 'reconstruction';
  const per = values.length / input.count;
  for (let s = 0; s < input.count; s++) {
    const path = input.count === 1 ? `${stem}.${suffix}.png` : `${stem}.${s}.${suffix}.png`;
    const sample = values.subarray(s * per, (s + 1) * per);
    const [oh, ow] =
      run.task.target === 'masks' ? trained.compiled.check.nodes[trained.compiled.check.outputIds[0]!]!.outputShape! : [h, w];
    await writePng(path, sample, oh!, ow!, run.task.target === 'masks' ? 1 : c);
    if (run.task.target !== 'masks') {
      out(json ? JSON.stringify({ input: input.names[s], reconstruction: path }) : `${input.names[s]}: reconstruction written to ${path}`);
      continue;
    }
    const counts = new Map<number, number>();
    for (const v of sample) counts.set(v, (counts.get(v) ?? 0) + 1);
    const found = [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([id, n]) => ({ class: id, name: classNames?.[id] ?? String(id), pixels: n }));
    if (json) out(JSON.stringify({ input: input.names[s], mask: path, classes: found }));
    else
      out(
        `${input.names[s]}: mask written to ${path} (class ids as grey values); ${found.map((f) => `${f.name} ${f.pixels} px`).join(', ')}`,
      );
  }
}
