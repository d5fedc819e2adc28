/**
 * Inspection jobs the trainer process runs for the app (engine/train/protocol's `inspect`
 * request): trained nets measured on their dataset's test split, from checkpoints, answered with
 * plain numbers. `mcDropout` is dropout's two test-time rules side by side (./averaging's
 * mcDropoutCurve); `ensemble` scores several nets and the average of their probabilities
 * (./averaging's ensembleScores). The dataset is loaded exactly as the run that trained the (first)
 * net loaded it, so the weight-scaling rule gives that run's own test accuracy.
 *
 * @example
 *   const result = await runInspectJob({ kind: 'mcDropout', net: { label: 'LeNet-5', graph, checkpoint }, dataset, passes: [1, 5, 50] });
 *   result.kind === 'mcDropout' && result.points[2] // { k: 50, accuracy: 0.983, loss: 0.061 }
 */
import * as tf from '@tensorflow/tfjs';
import { CompileError } from '../compile/compile';
import { fitAndSplit } from '../data/fit';
import { loadDataset } from '../data/load';
import { DatasetError, type Dataset } from '../data/types';
import type { GraphDoc } from '../graph/types';
import { CheckpointError } from '../train/checkpoint';
import type { DatasetRequest } from '../train/protocol';
import { loadTrained, type Trained } from '../train/predict';
import { ensembleMisfit, ensembleScores, mcDropoutCurve, type McDropoutCurve, type Score } from './averaging';

/** A trained net: the graph it trained and its weights, and what people call it. */
export interface TrainedNet {
  readonly label: string;
  readonly graph: GraphDoc;
  /** A `.weights.json` checkpoint. */
  readonly checkpoint: string;
}

export type InspectJob =
  | { readonly kind: 'mcDropout'; readonly net: TrainedNet; readonly dataset: DatasetRequest; readonly passes: readonly number[] }
  | { readonly kind: 'ensemble'; readonly members: readonly TrainedNet[]; readonly dataset: DatasetRequest };

/** Where a measurement was taken. */
interface Measured {
  /** The dataset's name for people. */
  readonly dataset: string;
  readonly split: 'test' | 'train';
  readonly count: number;
  /** The backend the passes ran on. */
  readonly backend: string;
}

export type InspectResult =
  | (Measured & { readonly kind: 'mcDropout' } & McDropoutCurve)
  | (Measured & {
      readonly kind: 'ensemble';
      readonly members: readonly (Score & { readonly label: string; readonly error: number })[];
      readonly ensemble: Score & { readonly error: number };
      readonly meanMemberError: number;
    });

/** A job that cannot run, in the user's words; `kind` as the trainer's error events have it. */
export class InspectError extends Error {
  constructor(
    readonly kind: 'graph' | 'dataset' | 'config',
    message: string,
  ) {
    super(message);
  }
}

async function load(net: TrainedNet): Promise<Trained> {
  try {
    return await loadTrained(net.graph, net.checkpoint);
  } catch (err) {
    if (err instanceof CheckpointError) throw new InspectError('config', `${net.label}: ${err.message}`);
    if (err instanceof CompileError) throw new InspectError('graph', `${net.label}: ${err.message}`);
    throw err;
  }
}

async function data(request: DatasetRequest, nets: readonly Trained[]): Promise<{ ds: Dataset } & ReturnType<typeof fitAndSplit>> {
  try {
    const ds = await loadDataset(request.source, {
      limit: request.limit,
      testLimit: request.testLimit,
      normalization: request.normalization,
    });
    return { ds, ...fitAndSplit(ds, nets) };
  } catch (err) {
    if (err instanceof DatasetError) throw new InspectError('dataset', err.message);
    throw err;
  }
}

const failed = (nets: readonly Trained[]) => {
  const failure = nets.map((n) => n.gpuFailure()).find((f) => f !== null);
  if (failure) throw new InspectError('config', failure);
};

export async function runInspectJob(job: InspectJob): Promise<InspectResult> {
  const nets: Trained[] = [];
  try {
    if (job.kind === 'mcDropout') {
      const trained = await load(job.net);
      nets.push(trained);
      const { ds, split, which } = await data(job.dataset, nets);
      const curve = await mcDropoutCurve(tf, trained.compiled, split, ds.shape, ds.numClasses, job.passes);
      failed(nets);
      if (curve.dropout.length === 0)
        throw new InspectError(
          'graph',
          `${job.net.label} has no dropout, so every pass is the same net and there is nothing to average: add a dropout node, train, and evaluate again`,
        );
      return { kind: 'mcDropout', dataset: ds.name, split: which, count: split.count, backend: trained.backend, ...curve };
    }
    for (const member of job.members) nets.push(await load(member));
    const misfit = ensembleMisfit(
      nets.map((n, i) => ({ label: job.members[i]!.label, inputShape: n.inputShape, numClasses: n.numClasses })),
    );
    if (misfit) throw new InspectError('graph', misfit);
    const { ds, split, which } = await data(job.dataset, nets);
    const result = await ensembleScores(
      tf,
      nets.map((m) => m.compiled),
      split,
      ds.shape,
      ds.numClasses,
    );
    failed(nets);
    return {
      kind: 'ensemble',
      dataset: ds.name,
      split: which,
      count: split.count,
      backend: nets[0]!.backend,
      members: result.members.map((s, i) => ({ ...s, label: job.members[i]!.label, error: 1 - s.accuracy })),
      ensemble: { ...result.ensemble, error: 1 - result.ensemble.accuracy },
      meanMemberError: result.meanMemberError,
    };
  } finally {
    for (const n of nets) n.dispose();
  }
}
