/**
 * `netcanvas evaluate FILE [--data PATH] [--checkpoint PATH] [--backend NAME] [--limit N] [--json]`
 * and `netcanvas predict FILE --input IMAGE_OR_CSV [--checkpoint PATH] [--backend NAME] [--json]`:
 * use a trained checkpoint in this process (both are short).
 */
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CompileError } from '../compile/compile';
import type { GraphDoc } from '../graph/types';
import { CheckpointError, defaultCheckpointPath } from '../train/checkpoint';
import { evaluateSplit } from '../train/evaluate';
import { loadTrained, predictBatch, type Trained } from '../train/predict';
import { fitAndSplitOrFail, loadEvalData } from './averaging';
import { table } from './format';
import { CliError, out, readGraphFile } from './io';
import { readPredictInput } from './predictInput';
import { positiveInt } from './train';
import { knownDatasetFacts } from '../task/datasets';
import { evaluateForTask, predictForTask } from './task-cli';
import { resolveTrainingConfig, type TrainingConfig } from '../graph/training';

/** The graph's training settings (for its task), or a CliError naming the bad field. */
function trainingOf(doc: GraphDoc): TrainingConfig {
  const r = resolveTrainingConfig(doc.training);
  if (!r.ok) throw new CliError(r.error);
  return r.config;
}

async function trainedModel(doc: GraphDoc, file: string, checkpoint: string | undefined, backend: string | undefined): Promise<Trained> {
  try {
    return await loadTrained(doc, resolve(checkpoint ?? defaultCheckpointPath(file)), { backend });
  } catch (err) {
    if (err instanceof CheckpointError || err instanceof CompileError) throw new CliError(err.message);
    if (err instanceof Error && /backend/i.test(err.message)) throw new CliError(err.message);
    throw err;
  }
}

export async function runEvaluate(args: {
  file: string;
  data?: string;
  checkpoint?: string;
  backend?: string;
  limit?: string;
  json: boolean;
}): Promise<number> {
  const doc = await readGraphFile(args.file);
  const limit = positiveInt('limit', args.limit);
  const trained = await trainedModel(doc, args.file, args.checkpoint, args.backend);
  try {
    const ds = await loadEvalData(doc, args.file, args.data, limit);
    const config = trainingOf(doc);
    if (config.task !== 'classification') {
      await evaluateForTask(trained, ds, config, args.json);
      return 0;
    }
    const { split, which: name } = fitAndSplitOrFail(ds, [trained]);
    const which = name === 'test' ? 'test' : 'train (the dataset has no test split)';
    const result = await evaluateSplit(tf, trained.compiled, split, ds.shape, ds.numClasses);
    const failure = trained.gpuFailure();
    if (failure) throw new CliError(failure);
    if (args.json) {
      out(
        JSON.stringify({
          dataset: ds.name,
          split: name,
          count: split.count,
          loss: result.loss,
          accuracy: result.accuracy,
          confusion: result.confusion,
          classNames: ds.classNames,
        }),
      );
    } else {
      out(`${ds.name}, ${which}: ${split.count} samples on ${trained.backend}`);
      out(`loss ${result.loss.toFixed(4)}  accuracy ${(100 * result.accuracy).toFixed(2)}%`);
      const header = ['true \\ predicted', ...ds.classNames.map((_, i) => String(i))];
      const label = (i: number) => (ds.classNames[i] && ds.classNames[i] !== String(i) ? `${i} ${ds.classNames[i]}` : String(i));
      const rows = result.confusion.map((row, i) => [label(i), ...row.map(String)]);
      out(table(header, rows, new Set(header.map((_, i) => i).slice(1))));
    }
    return 0;
  } finally {
    trained.dispose();
  }
}

export async function runPredict(args: {
  file: string;
  input?: string;
  checkpoint?: string;
  backend?: string;
  json: boolean;
}): Promise<number> {
  if (!args.input)
    throw new CliError('missing --input IMAGE_OR_CSV; usage: netcanvas predict FILE --input IMAGE_OR_CSV [--checkpoint PATH]');
  const doc = await readGraphFile(args.file);
  const trained = await trainedModel(doc, args.file, args.checkpoint, args.backend);
  try {
    const input = await readPredictInput(args.input, trained.inputShape);
    const config = trainingOf(doc);
    const classNames =
      typeof doc.dataset?.classNames === 'object' && Array.isArray(doc.dataset.classNames)
        ? (doc.dataset.classNames as string[])
        : (knownDatasetFacts(doc.dataset?.source)?.classNames ?? null);
    if (config.task !== 'classification') {
      await predictForTask(trained, input, resolve(args.input), config, classNames, args.json);
      return 0;
    }
    const probs = await predictBatch(trained, input.x, input.count);
    const failure = trained.gpuFailure();
    if (failure) throw new CliError(failure);
    const k = trained.numClasses;
    for (let s = 0; s < input.count; s++) {
      const p = Array.from(probs.subarray(s * k, (s + 1) * k));
      const ranked = p
        .map((v, c) => ({ class: c, name: classNames?.[c] ?? String(c), probability: v }))
        .sort((a, b) => b.probability - a.probability);
      if (args.json)
        out(
          JSON.stringify({
            input: input.names[s],
            predicted: ranked[0]!.class,
            name: ranked[0]!.name,
            probability: ranked[0]!.probability,
            probabilities: p,
          }),
        );
      else
        out(
          `${input.names[s]}: ${ranked[0]!.name} (${(100 * ranked[0]!.probability).toFixed(1)}%)  next: ${ranked
            .slice(1, 3)
            .map((r) => `${r.name} ${(100 * r.probability).toFixed(1)}%`)
            .join(', ')}`,
        );
    }
    return 0;
  } finally {
    trained.dispose();
  }
}
