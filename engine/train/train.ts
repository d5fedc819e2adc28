/**
 * Trains a graph and reports progress as protocol events. Runs in whatever process calls it (the
 * trainer process in the app; tests call it directly). Never throws for the user's mistakes: a bad
 * graph, config, dataset or backend, and a diverging run, end in an `error` event.
 *
 * @example
 *   const last = await train({ type: 'start', runId: 'r1', graph, dataset: { source: 'embedded:mnist', limit: 500 } },
 *     { onEvent: (e) => console.log(e.type), signal: controller.signal });
 */
import * as tf from '@tensorflow/tfjs';
import { checkGraph } from '../check/checkGraph';
import { CompileError, compileGraph, type CompiledGraph } from '../compile/compile';
import { checkDatasetFits } from '../data/fit';
import { loadDataset } from '../data/load';
import { splitTrainValidation } from '../data/split';
import { DatasetError, type Dataset } from '../data/types';
import { learningRateAt, type TrainingConfig } from '../graph/training';
import { accelerationFor, type Acceleration } from './acceleration';
import { batchSource, epochOrder, type BatchSource } from './batches';
import { saveCheckpoint } from './checkpoint';
import { Coalescer } from './coalesce';
import { mergeTrainingConfig, setLearningRate } from './config';
import { describeFault } from './webgpu/device/faults';
import { evaluateSplit } from './evaluate';
import { inputFilters } from './filters';
import type { BackendReport, LayerFilters, TrainerEvent, TrainerRequest } from './protocol';
import { makeTrainStep, readSteps, type PendingStep, type TrainStep } from './step';

export type StartRequest = Extract<TrainerRequest, { type: 'start' }>;
type ErrorKind = Extract<TrainerEvent, { type: 'error' }>['kind'];
export type TerminalEvent = Extract<TrainerEvent, { type: 'done' | 'error' }>;

export interface TrainHooks {
  onEvent(event: TrainerEvent): void;
  /** Aborting ends training before the next batch; the weights so far are kept (and saved). */
  signal?: AbortSignal;
  /** Milliseconds; injectable so tests control coalescing and timings. */
  clock?: () => number;
}

/** A failure with the words the user will see and the kind the UI chooses actions by. */
class RunError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly checkpoint: string | null = null,
  ) {
    super(message);
  }
}

const MISCLASSIFIED_LIMIT = 100;
/** Lets the event loop deliver a `stop` message between batches (tfjs CPU/WASM work is synchronous). */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function train(request: StartRequest, hooks: TrainHooks): Promise<TerminalEvent> {
  const { runId } = request;
  const emit = hooks.onEvent;
  const held: Held = {};
  try {
    const terminal = await run(request, hooks, held);
    emit(terminal);
    return terminal;
  } catch (e) {
    // A GPU fault can surface as anything (a failed read, a tfjs error): it is the cause to report.
    const err = e instanceof RunError ? e : (held.deviceFailure?.() ?? e);
    const event: TerminalEvent =
      err instanceof RunError
        ? { type: 'error', runId, kind: err.kind, message: err.message, checkpoint: err.checkpoint }
        : {
            type: 'error',
            runId,
            kind: 'internal',
            message: `the trainer failed unexpectedly: ${(err as Error)?.message ?? String(err)}; the graph is intact`,
          };
    emit(event);
    return event;
  } finally {
    held.step?.dispose?.();
    held.compiled?.model.dispose();
    held.optimizer?.dispose();
    held.batches?.dispose();
    if (held.acceleration?.deviceFault() != null) held.acceleration.retireDevice();
  }
}

async function chooseBackend(preferred: string | undefined): Promise<BackendReport> {
  try {
    const { selectBackend } = await import('./backends/select');
    const choice = await selectBackend(preferred);
    if (tf.getBackend() !== choice.tfjsName) await tf.setBackend(choice.tfjsName);
    return {
      name: choice.name,
      detail: choice.detail,
      skipped: choice.skipped,
      ...(choice.device != null ? { device: choice.device } : {}),
    };
  } catch (err) {
    throw new RunError('backend', (err as Error).message);
  }
}

async function loadAndFit(request: StartRequest, compiledCheck: ReturnType<typeof checkGraph>): Promise<Dataset> {
  let ds: Dataset;
  try {
    ds = await loadDataset(request.dataset.source, {
      limit: request.dataset.limit,
      testLimit: request.dataset.testLimit,
      normalization: request.dataset.normalization,
    });
  } catch (err) {
    if (err instanceof DatasetError) throw new RunError('dataset', err.message);
    throw err;
  }
  const inputShape = compiledCheck.nodes[compiledCheck.inputId!]!.outputShape ?? [];
  const outputShape = compiledCheck.nodes[compiledCheck.outputIds[0]!]!.outputShape ?? [];
  if (outputShape.length !== 1) {
    // A spatial output (a fully convolutional graph) can stay fully convolutional: scores per class
    // from a 1×1 conv, averaged over the image.
    const fix =
      outputShape.length === 3
        ? `end the graph in a 1×1 conv with ${ds.numClasses} filters and a global average pool, which keeps it fully convolutional, or in a flatten and a dense layer with ${ds.numClasses} units`
        : `end the graph in a dense layer with ${ds.numClasses} units`;
    throw new RunError(
      'dataset',
      `the graph's output is ${outputShape.join('×')} per sample, but ${ds.name} is a classification dataset that needs one score per class: ${fix}`,
    );
  }
  const misfit = checkDatasetFits(ds, inputShape, outputShape[0]!);
  if (misfit) throw new RunError('dataset', `${ds.name} does not fit the graph: ${misfit}`);
  return ds;
}

/** What `run` has made so far, for `train` to dispose, and how to tell a GPU fault from other failures. */
interface Held {
  compiled?: CompiledGraph;
  optimizer?: tf.Optimizer;
  batches?: BatchSource;
  step?: TrainStep;
  acceleration?: Acceleration;
  deviceFailure?(): RunError | null;
}

async function run(request: StartRequest, hooks: TrainHooks, held: Held): Promise<TerminalEvent> {
  const { runId } = request;
  const emit = hooks.onEvent;
  const clock = hooks.clock ?? (() => performance.now());
  const started = clock();

  const merged = mergeTrainingConfig(request.graph.training, request.config);
  if (!merged.ok) throw new RunError('config', merged.error);
  const config: TrainingConfig = merged.config;

  const check = checkGraph(request.graph);
  if (!check.ok) {
    const errors = check.diagnostics.filter((d) => d.severity === 'error');
    throw new RunError('graph', `the graph has errors; fix them before training: ${errors.map((d) => d.message).join('; ')}`);
  }
  if (check.inputId === null || check.outputIds.length === 0 || check.outputIds[0] === check.inputId) {
    throw new RunError(
      'graph',
      'the graph has nothing to train: connect layers to the input node, ending in a dense layer with one unit per class',
    );
  }
  const backend = await chooseBackend(request.backend);
  const ds = await loadAndFit(request, check);
  const { train: trainSplit, validation } = splitTrainValidation(ds.train, config.validationSplit, config.seed);
  if (trainSplit.count === 0) throw new RunError('dataset', `${ds.name} has no training samples left after the validation split`);

  const acceleration = (held.acceleration = await accelerationFor(tf.getBackend()));
  const batchSize = Math.min(config.batchSize, trainSplit.count);
  // After a GPU fault every number the backend gives is suspect, the weights included: stop, and
  // save nothing (a checkpoint of nonsense would replace the student's last good one).
  let where = 'before the first batch';
  const deviceFailure = (held.deviceFailure = (): RunError | null => {
    const fault = acceleration.deviceFault();
    if (fault == null) return null;
    const unsaved = request.checkpointPath ? ' No checkpoint was saved: the weights on the GPU cannot be trusted.' : '';
    return new RunError(
      'backend',
      `training stopped ${where}: ${describeFault(fault, backend.device ?? backend.name, batchSize)}.${unsaved}`,
    );
  });
  const checkDevice = () => {
    const failure = deviceFailure();
    if (failure != null) throw failure;
  };
  let compiled: CompiledGraph;
  try {
    compiled = compileGraph(request.graph, tf, { seed: config.seed, ...acceleration.compile });
  } catch (err) {
    if (err instanceof CompileError) throw new RunError('graph', err.message);
    throw err;
  }
  held.compiled = compiled;
  const optimizer = (held.optimizer = acceleration.buildOptimizer(tf, config));
  const batches = (held.batches = batchSource(tf, trainSplit, ds.shape, acceleration.dataOnDevice, acceleration.deviceBufferBytes));
  const step = (held.step = acceleration.wrapStep(
    makeTrainStep(tf, compiled, config, ds.numClasses, optimizer, acceleration.guard, acceleration.crossEntropy),
    optimizer,
  ));
  const params = check.totals.params;

  emit({
    type: 'started',
    runId,
    backend,
    dataset: {
      name: ds.name,
      trainCount: trainSplit.count,
      validationCount: validation.count,
      testCount: ds.test?.count ?? 0,
      shape: ds.shape,
      classNames: ds.classNames,
    },
    params,
    config: config as unknown as Record<string, unknown>,
    ...withFilters(await inputFilters(compiled, request.graph)),
  });

  const batchEvents = new Coalescer<TrainerEvent>(emit, clock);
  const batchesPerEpoch = Math.ceil(trainSplit.count / batchSize);
  const save = async (): Promise<string | null> => {
    if (!request.checkpointPath) return null;
    await saveCheckpoint(compiled, request.checkpointPath, { graphName: request.graph.name });
    return request.checkpointPath;
  };

  let stopped = false;
  let epochsCompleted = 0;
  let lastTrain: { loss: number; accuracy: number } | null = null;
  let globalStep = 0;
  const epochSeconds: number[] = [];

  for (let epoch = 0; epoch < config.epochs && !stopped; epoch++) {
    const learningRate = learningRateAt(config, epoch);
    setLearningRate(optimizer, learningRate);
    const order = epochOrder(trainSplit.count, config.seed, epoch);
    const epochStart = clock();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    const normSums = new Array<number>(step.trackedLayers.length).fill(0);
    let normSteps = 0;

    // Steps run ahead of their statistics on a GPU; `absorb` reads the queued ones in one transfer.
    const queued: { step: PendingStep; batch: number; n: number }[] = [];
    const absorb = async () => {
      const taken = queued.splice(0);
      const results = await readSteps(
        tf,
        taken.map((q) => q.step),
      );
      checkDevice();
      for (let i = 0; i < results.length; i++) {
        const result = results[i]!;
        const { batch, n } = taken[i]!;
        if (!result.finite) {
          const checkpoint = await save();
          const what = result.overflowed
            ? 'an update stepped a weight to infinity'
            : Number.isFinite(result.loss)
              ? 'the gradients became infinite or NaN'
              : `the loss became ${result.loss}`;
          throw new RunError(
            'diverged',
            `training diverged at epoch ${epoch + 1}, batch ${batch}: ${what}. Try a lower learning rate (now ${learningRate}); the last good weights were kept${checkpoint ? ` and saved to ${checkpoint}` : ''}`,
            checkpoint,
          );
        }
        globalStep++;
        lossSum += result.loss * n;
        correct += result.correct;
        seen += n;
        if (result.gradientNorms.length > 0) normSteps++;
        result.gradientNorms.forEach((g, k) => (normSums[k]! += g));
        const elapsed = Math.max(1e-6, (clock() - epochStart) / 1000);
        batchEvents.offer({
          type: 'batch',
          runId,
          epoch: epoch + 1,
          batch,
          batchesPerEpoch,
          step: globalStep,
          loss: result.loss,
          accuracy: result.correct / n,
          samplesPerSecond: seen / elapsed,
        });
      }
    };

    // On a GPU one group's read overlaps the next group's steps, so the GPU is never left idle
    // while the host waits for a read and only then issues more work. One read at a time: its
    // errors (divergence) surface when the next group is due, or at the epoch's end. Steps queued
    // behind a bad one are skipped on the device (step.ts), so the weights kept are the good ones.
    let reading: Promise<void> | null = null;
    const settle = async () => {
      const r = reading;
      reading = null;
      await r;
    };

    for (let b = 0; b < batchesPerEpoch; b++) {
      await yieldToEventLoop();
      if (hooks.signal?.aborted) {
        stopped = true;
        break;
      }
      const start = b * batchSize;
      const end = Math.min(trainSplit.count, start + batchSize);
      where = `by epoch ${epoch + 1}, batch ${b + 1}`; // steps are read a few at a time: at or before this one
      const { x, labels } = batches.batch(order, start, end);
      try {
        // Norms only for the step whose statistics are read next: a sample per read, and far fewer launches.
        const readsNext = queued.length + 1 >= acceleration.readEvery || b === batchesPerEpoch - 1;
        queued.push({ step: await step.run(x, labels, { norms: readsNext }), batch: b + 1, n: end - start });
      } finally {
        tf.dispose([x, labels]);
      }
      if (queued.length < acceleration.readEvery) continue;
      // With the host guard each step was read before it was applied: nothing to overlap, and a
      // divergence must stop training before the next step.
      if (acceleration.guard === 'host') await absorb();
      else {
        await settle();
        reading = absorb();
        reading.catch(() => {}); // handled: `settle` awaits it and rethrows
      }
    }
    await settle();
    await absorb();
    if (seen === 0) break; // stopped before the epoch's first batch
    const trainSeconds = (clock() - epochStart) / 1000;
    lastTrain = { loss: lossSum / seen, accuracy: correct / seen };
    if (stopped) break; // a partial epoch is not reported as an epoch
    where = `in epoch ${epoch + 1}'s validation`;
    const val = validation.count > 0 ? await evaluateSplit(tf, compiled, validation, ds.shape, ds.numClasses) : null;
    checkDevice();
    const seconds = (clock() - epochStart) / 1000;
    epochSeconds.push(seconds);
    epochsCompleted++;
    const mean = epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length;
    emit({
      type: 'epoch',
      runId,
      epoch: epoch + 1,
      epochs: config.epochs,
      trainLoss: lastTrain.loss,
      trainAccuracy: lastTrain.accuracy,
      validationLoss: val?.loss ?? null,
      validationAccuracy: val?.accuracy ?? null,
      learningRate,
      samplesPerSecond: seen / Math.max(1e-6, trainSeconds),
      etaSeconds: mean * (config.epochs - epoch - 1),
      seconds,
      backend: backend.name,
      ...(backend.device != null ? { device: backend.device } : {}),
      gradientNorms: Object.fromEntries(step.trackedLayers.map((id, i) => [id, normSums[i]! / Math.max(1, normSteps)])),
      ...withFilters(await inputFilters(compiled, request.graph)),
    });
  }

  where = 'in the final test';
  const test =
    ds.test && ds.test.count > 0
      ? await evaluateSplit(tf, compiled, ds.test, ds.shape, ds.numClasses, {
          misclassifiedLimit: MISCLASSIFIED_LIMIT,
          normalization: ds.normalization,
        })
      : null;
  checkDevice();
  const checkpoint = await save();
  const filters = await inputFilters(compiled, request.graph);
  return {
    type: 'done',
    runId,
    stopped,
    metrics: {
      testLoss: test?.loss ?? null,
      testAccuracy: test?.accuracy ?? null,
      trainLoss: lastTrain?.loss ?? null,
      trainAccuracy: lastTrain?.accuracy ?? null,
      seconds: (clock() - started) / 1000,
      epochsCompleted,
    },
    confusion: test?.confusion ?? [],
    classNames: ds.classNames,
    misclassified: test?.misclassified ?? [],
    checkpoint,
    ...withFilters(filters),
  };
}

/** Events carry `filters` only when there are some (graphs without a conv on the input have none). */
const withFilters = (filters: LayerFilters[]) => (filters.length > 0 ? { filters } : {});
