/**
 * `netcanvas evaluate FILE --mc-dropout 1,2,5,10,50 [--json]`: dropout's two test-time rules side
 * by side — weight scaling (one deterministic pass) and Monte-Carlo averaging of k stochastic passes.
 * `netcanvas evaluate A.json B.json C.json --ensemble [--json]`: each net's test error, the average of
 * their probabilities, and the members' mean error. Each graph uses its own checkpoint
 * (A.weights.json beside A.json); the dataset is the first graph's unless --data names one.
 */
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CompileError } from '../compile/compile';
import { fitAndSplit, type MeasuredSplit } from '../data/fit';
import { loadDataset } from '../data/load';
import { DatasetError, type Dataset } from '../data/types';
import type { GraphDoc } from '../graph/types';
import { ensembleMisfit, ensembleScores, mcDropoutCurve } from '../inspect/averaging';
import { CheckpointError, defaultCheckpointPath } from '../train/checkpoint';
import { loadTrained, type Trained } from '../train/predict';
import { table } from './format';
import { CliError, out, readGraphFile } from './io';
import { datasetSource } from './train';

/** The most passes asked for at once: each is a whole pass over the test split. */
export const MAX_PASSES = 1000;

/** "1,2,5,10,50" → [1, 2, 5, 10, 50] (sorted, unique), or a CliError saying what is wrong. */
export function parsePasses(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const ks = parts.map(Number);
  const bad = parts.findIndex((p, i) => p === '' || !Number.isInteger(ks[i]) || ks[i]! < 1 || ks[i]! > MAX_PASSES);
  if (bad >= 0)
    throw new CliError(
      `--mc-dropout takes pass counts from 1 to ${MAX_PASSES} separated by commas, such as 1,2,5,10,50; got "${parts[bad]}"`,
    );
  return [...new Set(ks)].sort((a, b) => a - b);
}

async function load(file: string, checkpoint: string | undefined, backend: string | undefined): Promise<Trained> {
  try {
    return await loadTrained(await readGraphFile(file), resolve(checkpoint ?? defaultCheckpointPath(file)), { backend });
  } catch (err) {
    if (err instanceof CheckpointError || err instanceof CompileError) throw new CliError(`${file}: ${err.message}`);
    throw err;
  }
}

/** The dataset evaluation measures on (`--data`, else the graph's own), loaded for the CLI: a bad one is a CliError. */
export async function loadEvalData(doc: GraphDoc, file: string, data: string | undefined, limit: number | undefined): Promise<Dataset> {
  try {
    return await loadDataset(datasetSource(data, doc.dataset?.source, file), limit ? { limit } : {});
  } catch (err) {
    if (err instanceof DatasetError) throw new CliError(err.message);
    throw err;
  }
}

/** engine/data/fit.ts's fitAndSplit for the CLI: a net that does not fit is a CliError. */
export function fitAndSplitOrFail(ds: Dataset, members: readonly Pick<Trained, 'inputShape' | 'numClasses'>[]): MeasuredSplit {
  try {
    return fitAndSplit(ds, members);
  } catch (err) {
    if (err instanceof DatasetError) throw new CliError(err.message);
    throw err;
  }
}

async function testSplit(doc: GraphDoc, file: string, data: string | undefined, limit: number | undefined, members: readonly Trained[]) {
  const ds = await loadEvalData(doc, file, data, limit);
  return { ds, ...fitAndSplitOrFail(ds, members) };
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export async function runMcDropout(args: {
  file: string;
  passes: string;
  data?: string;
  checkpoint?: string;
  backend?: string;
  limit?: number;
  json: boolean;
}): Promise<number> {
  const ks = parsePasses(args.passes);
  const trained = await load(args.file, args.checkpoint, args.backend);
  try {
    const { ds, split, which } = await testSplit(await readGraphFile(args.file), args.file, args.data, args.limit, [trained]);
    const curve = await mcDropoutCurve(tf, trained.compiled, split, ds.shape, ds.numClasses, ks);
    const failure = trained.gpuFailure();
    if (failure) throw new CliError(failure);
    if (args.json) {
      out(
        JSON.stringify({
          dataset: ds.name,
          split: which,
          count: split.count,
          dropout: curve.dropout,
          weightScaling: curve.weightScaling,
          mcDropout: curve.points,
        }),
      );
      return 0;
    }
    out(`${ds.name}, ${which}: ${split.count} samples on ${trained.backend}`);
    if (curve.dropout.length === 0) out('note: the graph has no dropout, so every pass is the same net and every k gives the same numbers');
    else out(`dropout: ${curve.dropout.map((d) => `${d.nodeId} (rate ${d.rate})`).join(', ')}`);
    const rows = [
      ['weight scaling', '1', pct(curve.weightScaling.accuracy), curve.weightScaling.loss.toFixed(4)],
      ...curve.points.map((p) => ['Monte-Carlo', String(p.k), pct(p.accuracy), p.loss.toFixed(4)]),
    ];
    out(table(['rule', 'passes k', 'accuracy', 'loss'], rows, new Set([1, 2, 3])));
    return 0;
  } finally {
    trained.dispose();
  }
}

export async function runEnsemble(args: {
  files: string[];
  data?: string;
  backend?: string;
  limit?: number;
  json: boolean;
}): Promise<number> {
  if (args.files.length < 2) throw new CliError('--ensemble needs two or more graph files, each trained (FILE.weights.json beside it)');
  const members: Trained[] = [];
  try {
    for (const file of args.files) members.push(await load(file, undefined, args.backend));
    const misfit = ensembleMisfit(members.map((m, i) => ({ label: args.files[i]!, inputShape: m.inputShape, numClasses: m.numClasses })));
    if (misfit) throw new CliError(misfit);
    const { ds, split, which } = await testSplit(await readGraphFile(args.files[0]!), args.files[0]!, args.data, args.limit, members);
    const result = await ensembleScores(
      tf,
      members.map((m) => m.compiled),
      split,
      ds.shape,
      ds.numClasses,
    );
    const failure = members.map((m) => m.gpuFailure()).find((f) => f !== null);
    if (failure) throw new CliError(failure);
    const ensembleError = 1 - result.ensemble.accuracy;
    if (args.json) {
      out(
        JSON.stringify({
          dataset: ds.name,
          split: which,
          count: split.count,
          members: result.members.map((s, i) => ({ file: args.files[i], accuracy: s.accuracy, error: 1 - s.accuracy, loss: s.loss })),
          ensemble: { accuracy: result.ensemble.accuracy, error: ensembleError, loss: result.ensemble.loss },
          meanMemberError: result.meanMemberError,
        }),
      );
      return 0;
    }
    out(`${ds.name}, ${which}: ${split.count} samples on ${members[0]!.backend}`);
    const rows = [
      ...result.members.map((s, i) => [args.files[i]!, pct(1 - s.accuracy), s.loss.toFixed(4)]),
      ['mean of the members', pct(result.meanMemberError), ''],
      [`ensemble (average of ${members.length})`, pct(ensembleError), result.ensemble.loss.toFixed(4)],
    ];
    out(table(['net', 'test error', 'loss'], rows, new Set([1, 2])));
    return 0;
  } finally {
    for (const m of members) m.dispose();
  }
}
