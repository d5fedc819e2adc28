/**
 * The inspection side of the trainer process: answers `inspect` requests (./protocol.ts) one at a
 * time. What is slow to make and asked for again with every click is kept: the backend, the graph
 * compiled with its weights (until the graph or the checkpoint file changes) and the dataset's test
 * split, so a click on another node costs one forward pass of a cached sub-model.
 */
import { stat } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { CompileError, compileGraph, type CompiledGraph } from '../compile/compile';
import { loadDataset } from '../data/load';
import { sampleBytes } from '../data/pixels';
import type { Dataset } from '../data/types';
import { resolveTrainingConfig } from '../graph/training';
import { formatShape } from '../layers/spec';
import { applyCheckpoint, CheckpointError, readCheckpoint } from '../train/checkpoint';
import { disposeInspection, featureMaps } from './featureMaps';
import {
  MAX_ANSWER_VALUES,
  MAX_MAP_VALUES,
  type FeatureMapsJob,
  type FeatureMapsResult,
  type MapsReply,
  type MapsRequest,
  type NodeMap,
} from './protocol';

/** A problem with what was asked (the graph, the checkpoint, the sample): its message is for the user. */
export class MapsError extends Error {}

let backend: Promise<string> | null = null;
function useBackend(): Promise<string> {
  // One image needs no GPU, and a GPU may be busy training: the fastest CPU backend, as `netcanvas activations` uses.
  backend ??= import('../train/backends/select').then(async ({ selectBackend }) => {
    const choice = await selectBackend(undefined, { exclude: { webgpu: 'not used for one sample' } });
    if (tf.getBackend() !== choice.tfjsName) await tf.setBackend(choice.tfjsName);
    return choice.name;
  });
  return backend;
}

interface Loaded {
  readonly key: string;
  readonly compiled: CompiledGraph;
  readonly weightsProblem: string | null;
}
let loaded: Loaded | null = null;

async function modelFor(job: FeatureMapsJob): Promise<Loaded> {
  const mtime = job.checkpointPath
    ? await stat(job.checkpointPath).then(
        (s) => s.mtimeMs,
        () => -1,
      )
    : 0;
  if (mtime === -1) throw new MapsError(`the weights of ${runNamed(job)} are no longer in the data folder; train it again`);
  const key = `${JSON.stringify(job.graph)}\u0000${job.checkpointPath}\u0000${mtime}`;
  if (loaded?.key === key) return loaded;
  if (loaded) {
    disposeInspection(loaded.compiled);
    loaded.compiled.model.dispose();
    loaded = null;
  }
  const config = resolveTrainingConfig(job.graph.training ?? {});
  let compiled: CompiledGraph;
  try {
    compiled = compileGraph(job.graph, tf, { seed: config.ok ? config.config.seed : 42 });
  } catch (err) {
    if (err instanceof CompileError) throw new MapsError(`${err.message}; fix the graph to see its feature maps`);
    throw err;
  }
  let weightsProblem: string | null = null;
  if (job.checkpointPath) {
    try {
      // Checked whole before anything is set: a misfit leaves the initial weights in place.
      applyCheckpoint(tf, compiled, await readCheckpoint(job.checkpointPath));
    } catch (err) {
      if (!(err instanceof CheckpointError)) throw err;
      weightsProblem = `the graph changed since ${runNamed(job)} was trained (${err.message}), so these are initial weights`;
    }
  }
  loaded = { key, compiled, weightsProblem };
  return loaded;
}

const runNamed = (job: FeatureMapsJob) => (job.runName ? `the run "${job.runName}"` : 'that run');

/** Every test sample (the loader's limits are counts). */
const ALL = 2 ** 31 - 1;
const datasets = new Map<string, Promise<Dataset>>();
function datasetFor(job: FeatureMapsJob): Promise<Dataset> {
  const normalization = job.dataset.normalization ?? 'unit';
  const key = `${normalization}\u0000${job.dataset.source}`;
  let pending = datasets.get(key);
  if (!pending) {
    // Unit scaling needs no training statistics: one training sample is enough. Standardising needs them all.
    const source = job.dataset.source;
    pending =
      normalization === 'unit'
        ? loadDataset(source, { limit: 1, testLimit: ALL }).then((ds) => (ds.test?.count ? ds : loadDataset(source)))
        : loadDataset(source, { normalization });
    pending.catch(() => datasets.delete(key));
    if (datasets.size >= 2) datasets.delete(datasets.keys().next().value!);
    datasets.set(key, pending);
  }
  return pending;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** The sample as the net takes it (normalised like the training data) and as people see it. */
async function sampleFor(job: FeatureMapsJob, inputShape: readonly number[]) {
  const choice = job.sample;
  let ds: Dataset | null = null;
  let datasetProblem = '';
  try {
    ds = await datasetFor(job);
  } catch (err) {
    datasetProblem = (err as Error).message;
  }
  const split = ds ? (ds.test && ds.test.count > 0 ? ds.test : ds.train) : null;
  const testCount = split?.count ?? 0;
  const classNames = ds?.classNames ?? [];
  if (choice.kind === 'test') {
    if (!ds || !split) throw new MapsError(`no test sample: ${datasetProblem}`);
    if (!sameShape(ds.shape, inputShape))
      throw new MapsError(`${ds.name}'s samples are ${formatShape(ds.shape)} but the graph's input is ${formatShape(inputShape)}`);
    if (!Number.isInteger(choice.index) || choice.index < 0 || choice.index >= split.count)
      throw new MapsError(`there is no test sample ${choice.index}: ${ds.name} has ${split.count} (0 to ${split.count - 1})`);
    const size = count(inputShape);
    const label = split.y[choice.index]!;
    return {
      x: split.x.slice(choice.index * size, (choice.index + 1) * size),
      shown: {
        pixels: sampleBytes(split, ds.shape, choice.index, ds.normalization),
        shape: [...ds.shape],
        name: `Test sample ${choice.index} of ${split.count.toLocaleString('en-US')}`,
        index: choice.index,
        label: ds.unlabelled ? null : label,
        className: ds.unlabelled ? null : (ds.classNames[label] ?? String(label)),
        testCount,
      },
      classNames,
    };
  }
  if (!sameShape(choice.shape, inputShape))
    throw new MapsError(`the image is ${formatShape(choice.shape)} but the graph's input is ${formatShape(inputShape)}`);
  if (choice.pixels.length !== count(inputShape))
    throw new MapsError(`the image has ${choice.pixels.length} values but ${formatShape(inputShape)} needs ${count(inputShape)}`);
  const norm = ds?.normalization;
  const channels = inputShape.length === 3 ? inputShape[2]! : 1;
  const x = new Float32Array(choice.pixels.length);
  choice.pixels.forEach((p, i) => {
    const v = Math.max(0, Math.min(255, Number(p) || 0)) / 255;
    x[i] = norm?.kind === 'standard' ? (v - (norm.mean[i % channels] ?? 0)) / (norm.std[i % channels] ?? 1) : v;
  });
  return {
    x,
    shown: {
      pixels: [...choice.pixels],
      shape: [...choice.shape],
      name: choice.name,
      index: null,
      label: null,
      className: null,
      testCount,
    },
    classNames,
  };
}

/** Values rounded to 5 significant digits of the map's largest magnitude: what a colour or a bar can show, in a third of the text. */
function plainValues(values: Float32Array, min: number, max: number): number[] {
  const largest = Math.max(Math.abs(min), Math.abs(max));
  if (!(largest > 0) || !Number.isFinite(largest)) return Array.from(values);
  const inverse = 10 ** (4 - Math.floor(Math.log10(largest)));
  return Array.from(values, (v) => Math.round(v * inverse) / inverse);
}

export async function featureMapsJob(job: FeatureMapsJob): Promise<FeatureMapsResult> {
  const started = performance.now();
  const backendName = await useBackend();
  const { compiled, weightsProblem } = await modelFor(job);
  const inputShape = compiled.check.nodes[compiled.check.inputId!]!.outputShape!;
  const sample = await sampleFor(job, inputShape);
  const unknown = job.nodeIds.find((id) => !compiled.nodeOutputs.has(id));
  if (unknown !== undefined) throw new MapsError(`there is no node "${unknown}" in the graph`);
  // Sizes are known before anything runs: a node too large to send is not computed either.
  let budget = MAX_ANSWER_VALUES;
  const tooLarge = new Map<string, string>();
  for (const id of job.nodeIds) {
    const shape = compiled.check.nodes[id]!.outputShape!;
    const n = count(shape);
    if (n > MAX_MAP_VALUES)
      tooLarge.set(
        id,
        `${id}'s output is ${formatShape(shape)} (${n.toLocaleString('en-US')} values), more than the ${MAX_MAP_VALUES.toLocaleString('en-US')} the view draws for one node`,
      );
    else if (n > budget)
      tooLarge.set(id, `${id}'s output (${formatShape(shape)}) does not fit beside the other selected nodes: select fewer`);
    else budget -= n;
  }
  const computed = await featureMaps(
    tf,
    compiled,
    sample.x,
    job.nodeIds.filter((id) => !tooLarge.has(id)),
  );
  const maps: NodeMap[] = job.nodeIds.map((nodeId) => {
    const type = compiled.check.nodes[nodeId]!.type;
    const why = tooLarge.get(nodeId);
    if (why) return { nodeId, type, shape: compiled.check.nodes[nodeId]!.outputShape!, tooLarge: why };
    const map = computed.find((m) => m.nodeId === nodeId)!;
    return { nodeId, type, shape: map.shape, values: plainValues(map.values, map.min, map.max), min: map.min, max: map.max };
  });
  return {
    maps,
    sample: sample.shown,
    classNames: sample.classNames,
    weightsProblem,
    backend: backendName,
    milliseconds: Math.round((performance.now() - started) * 10) / 10,
  };
}

let queue: Promise<unknown> = Promise.resolve();

/** One request's answer; requests run one after another (they share the backend and the cached model). */
export function answerMapsRequest(request: MapsRequest): Promise<MapsReply> {
  const run = async (): Promise<MapsReply> => {
    try {
      const result = await featureMapsJob(request.job);
      return { type: 'featureMapsAnswer', requestId: request.requestId, ok: true, result };
    } catch (err) {
      const known = err instanceof MapsError;
      const message = known ? err.message : `the inspection failed (${(err as Error)?.message ?? String(err)})`;
      return { type: 'featureMapsAnswer', requestId: request.requestId, ok: false, message };
    }
  };
  const answer = queue.then(run, run);
  queue = answer;
  return answer;
}
