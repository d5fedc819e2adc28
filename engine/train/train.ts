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
import type { CheckResult } from '../check/types';
import { CompileError, compileGraph, type CompiledGraph } from '../compile/compile';
import { loadDataset } from '../data/load';
import { splitTrainValidation } from '../data/split';
import { DatasetError, type Dataset } from '../data/types';
import { IoError } from '../io';
import { learningRateAt, type TrainingConfig } from '../graph/training';
import { accelerationFor } from './acceleration';
import { batchSource } from './batches';
import { CheckpointError, checkpointPathProblem, readCheckpoint, saveCheckpoint } from './checkpoint';
import { Coalescer } from './coalesce';
import { mergeTrainingConfig, setLearningRate } from './config';
import { divergedError, divergenceWatch, IGNORE_DIVERGENCE } from './divergence';
import { trainEpoch } from './epoch';
import { evaluateSplit } from './evaluate';
import { inputFilters } from './filters';
import type { BackendReport, LayerFilters, TrainerEvent } from './protocol';
import { RunError, type Held, type RunState, type StartRequest } from './run-state';
import { makeTrainStep } from './step';
import { initFromCheckpoint, type InitReport } from './transfer';
import { evaluateTask, batchTarget } from './task-evaluate';
import { taskRun } from './task-run';
import { taskView } from './task-views';
import { taskMisfit } from '../task/fit';
import type { TaskMetrics } from '../task/types';
import { describeFault } from './webgpu/device/faults';

export type { StartRequest } from './run-state';
export type TerminalEvent = Extract<TrainerEvent, { type: 'done' | 'error' }>;

export interface TrainHooks {
  onEvent(event: TrainerEvent): void;
  /** Aborting ends training before the next batch; the weights so far are kept (and saved). */
  signal?: AbortSignal;
  /** Milliseconds; injectable so tests control coalescing and timings. */
  clock?: () => number;
  /**
   * False turns the divergence watch (./divergence) off, and with it the stop at a non-finite
   * step (that step is still not applied). Only for runs whose losses are not numbers
   * a model computed: on Dawn's null adapter (buffers and validation, no compute) a "loss" is
   * whatever its buffer held, and the GPU memory tests there measure buffers, not learning.
   */
  watchDivergence?: boolean;
}

const MISCLASSIFIED_LIMIT = 100;

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

/**
 * The run, step by step: the config and graph checked, a backend chosen, the data loaded and split,
 * the model and its training step set up, the started event, the epochs, the final test and the
 * done event. Each step throws a RunError with the user's words when it cannot go on.
 */
async function run(request: StartRequest, hooks: TrainHooks, held: Held): Promise<TerminalEvent> {
  const clock = hooks.clock ?? (() => performance.now());
  const started = clock();
  const config = resolveConfig(request);
  await checkCheckpointPath(request);
  const check = checkTrainable(request.graph);
  const backend = await chooseBackend(request.backend);
  const ds = await loadAndFit(request, check, config);
  const state = await setUp(request, hooks, clock, config, backend, ds, held);
  state.emit(await startedEvent(state, check.totals.params));
  const outcome = await trainEpochs(state);
  return finish(state, outcome, started);
}

/** The requested backend, or the best one that works here (and why each better one was skipped). */
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

/** The dataset, refused when it does not fit the graph's input and output for its task. */
async function loadAndFit(request: StartRequest, compiledCheck: CheckResult, config: TrainingConfig): Promise<Dataset> {
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
  const misfit = taskMisfit(config.task, ds, inputShape, outputShape);
  if (misfit) throw new RunError('dataset', misfit);
  return ds;
}

/** A checkpoint that cannot be written is found now, not after the training it would have kept. */
async function checkCheckpointPath(request: StartRequest): Promise<void> {
  if (!request.checkpointPath) return;
  const problem = await checkpointPathProblem(request.checkpointPath);
  if (problem) throw new RunError('config', problem);
}

/** The graph's training settings with the request's overrides, defaults filled in. */
function resolveConfig(request: StartRequest): TrainingConfig {
  const merged = mergeTrainingConfig(request.graph.training, request.config);
  if (!merged.ok) throw new RunError('config', merged.error);
  return merged.config;
}

/** The checker's verdict, refusing a graph with errors or with nothing between input and output. */
function checkTrainable(graph: StartRequest['graph']): CheckResult {
  const check = checkGraph(graph);
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
  return check;
}

/** The split, the backend's acceleration, the compiled model, its optimizer, batches and step (each kept in `held` to dispose). */
async function setUp(
  request: StartRequest,
  hooks: TrainHooks,
  clock: () => number,
  config: TrainingConfig,
  backend: BackendReport,
  ds: Dataset,
  held: Held,
): Promise<RunState> {
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
  let compiled: CompiledGraph;
  try {
    compiled = compileGraph(request.graph, tf, { seed: config.seed, ...acceleration.compile });
  } catch (err) {
    if (err instanceof CompileError) throw new RunError('graph', err.message);
    throw err;
  }
  held.compiled = compiled;
  const initFrom = request.initFrom ? await startFrom(compiled, request.initFrom) : undefined;
  const optimizer = (held.optimizer = acceleration.buildOptimizer(tf, config));
  const task = taskRun(tf, compiled, config, ds.normalization);
  const batches = (held.batches = batchSource(
    tf,
    trainSplit,
    ds.shape,
    acceleration.dataOnDevice,
    acceleration.deviceBufferBytes,
    batchTarget(task),
  ));
  const step = (held.step = acceleration.wrapStep(
    makeTrainStep(tf, compiled, config, task, optimizer, acceleration.guard, acceleration.crossEntropy),
    optimizer,
  ));
  return {
    request,
    emit: hooks.onEvent,
    clock,
    signal: hooks.signal,
    config,
    backend,
    ds,
    trainSplit,
    validation,
    batchSize,
    acceleration,
    compiled,
    optimizer,
    batches,
    step,
    initFrom,
    task,
    divergence: hooks.watchDivergence === false ? IGNORE_DIVERGENCE : divergenceWatch(ds.numClasses),
    at: (place) => (where = place),
    checkDevice() {
      const failure = deviceFailure();
      if (failure != null) throw failure;
    },
    async save() {
      if (!request.checkpointPath) return null;
      await saveCheckpoint(compiled, request.checkpointPath, { graphName: request.graph.name });
      return request.checkpointPath;
    },
  };
}

async function startedEvent(run: RunState, params: number): Promise<TrainerEvent> {
  const { ds, trainSplit, validation } = run;
  return {
    type: 'started',
    runId: run.request.runId,
    backend: run.backend,
    dataset: {
      name: ds.name,
      trainCount: trainSplit.count,
      validationCount: validation.count,
      testCount: ds.test?.count ?? 0,
      shape: ds.shape,
      classNames: ds.classNames,
    },
    params,
    config: run.config as unknown as Record<string, unknown>,
    task: run.config.task,
    ...withFilters(await inputFilters(run.compiled, run.request.graph)),
    ...(run.initFrom ? { initFrom: run.initFrom } : {}),
  };
}

/** Transfer learning's start: the checkpoint's weights wherever they fit (a checkpoint that gives nothing is an error). */
async function startFrom(compiled: CompiledGraph, path: string): Promise<InitReport> {
  try {
    return initFromCheckpoint(tf, compiled, await readCheckpoint(path), path);
  } catch (err) {
    if (err instanceof CheckpointError) throw new RunError('config', `cannot start from ${path}: ${err.message}`);
    throw err;
  }
}

interface Outcome {
  readonly stopped: boolean;
  readonly epochsCompleted: number;
  readonly lastTrain: { readonly loss: number; readonly metrics: TaskMetrics } | null;
}

/** The events' task fields: metrics by name, for the tasks that have more than an accuracy. */
const metricsFor = (run: RunState, m: TaskMetrics | null | undefined) =>
  run.config.task === 'classification' || !m ? undefined : m.values;

/** Every epoch at its scheduled rate, each validated and reported, until the last or a stop. */
async function trainEpochs(run: RunState): Promise<Outcome> {
  const { config, clock, step, emit, backend } = run;
  const batchEvents = new Coalescer<TrainerEvent>(emit, clock);
  const counter = { step: 0 };
  let stopped = false;
  let epochsCompleted = 0;
  let lastTrain: Outcome['lastTrain'] = null;
  const epochSeconds: number[] = [];

  for (let epoch = 0; epoch < config.epochs && !stopped; epoch++) {
    const learningRate = learningRateAt(config, epoch);
    setLearningRate(run.optimizer, learningRate);
    const epochStart = clock();
    const totals = await trainEpoch(run, epoch, learningRate, epochStart, batchEvents, counter);
    stopped = totals.stopped;
    if (totals.seen === 0) break; // stopped before the epoch's first batch
    const trainSeconds = (clock() - epochStart) / 1000;
    lastTrain = { loss: totals.lossSum / totals.seen, metrics: run.task.metrics(totals.sums, totals.seen) };
    if (stopped) break; // a partial epoch is not reported as an epoch
    run.at(`in epoch ${epoch + 1}'s validation`);
    const val = run.validation.count > 0 ? await evaluateTask(tf, run.task, run.validation, run.ds.shape) : null;
    const view = await taskView(tf, run.task, run.compiled, run.ds, run.ds.test ?? run.validation);
    run.checkDevice();
    const seconds = (clock() - epochStart) / 1000;
    epochSeconds.push(seconds);
    epochsCompleted++;
    const mean = epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length;
    emit({
      type: 'epoch',
      runId: run.request.runId,
      epoch: epoch + 1,
      epochs: config.epochs,
      trainLoss: lastTrain.loss,
      trainAccuracy: lastTrain.metrics.accuracy,
      validationLoss: val?.loss ?? null,
      validationAccuracy: val?.metrics.accuracy ?? null,
      ...(metricsFor(run, lastTrain.metrics)
        ? { trainMetrics: metricsFor(run, lastTrain.metrics), validationMetrics: metricsFor(run, val?.metrics) ?? null }
        : {}),
      ...(view ? { view } : {}),
      learningRate,
      samplesPerSecond: totals.seen / Math.max(1e-6, trainSeconds),
      etaSeconds: mean * (config.epochs - epoch - 1),
      seconds,
      backend: backend.name,
      ...(backend.device != null ? { device: backend.device } : {}),
      gradientNorms: Object.fromEntries(step.trackedLayers.map((id, i) => [id, totals.normSums[i]! / Math.max(1, totals.normSteps)])),
      ...withFilters(await inputFilters(run.compiled, run.request.graph)),
    });
    const growing = run.divergence.epoch(lastTrain.loss, lastTrain.metrics.accuracy ?? null);
    if (growing) throw await divergedError(run, `epoch ${epoch + 1}`, growing, learningRate);
  }
  return { stopped, epochsCompleted, lastTrain };
}

/** The final test, the checkpoint and the done event. */
async function finish(run: RunState, outcome: Outcome, started: number): Promise<TerminalEvent> {
  const { ds, compiled } = run;
  run.at('in the final test');
  const hasTest = ds.test != null && ds.test.count > 0;
  // A classifier's test also gives the confusion matrix and the mistakes; other tasks' tests give their metrics and view.
  const classes =
    hasTest && run.config.task === 'classification'
      ? await evaluateSplit(tf, compiled, ds.test!, ds.shape, ds.numClasses, {
          misclassifiedLimit: MISCLASSIFIED_LIMIT,
          normalization: ds.normalization,
        })
      : null;
  const test = hasTest && !classes ? await evaluateTask(tf, run.task, ds.test!, ds.shape) : null;
  const view = hasTest ? await taskView(tf, run.task, compiled, ds, ds.test) : null;
  run.checkDevice();
  // The run's results stand even when the disk fills up at the end: they are reported, with why
  // nothing was saved (the old checkpoint, if any, is whole: the write is atomic).
  let checkpoint: string | null = null;
  let saveError: string | undefined;
  try {
    checkpoint = await run.save();
  } catch (err) {
    if (!(err instanceof IoError)) throw err;
    saveError = `the weights were not saved: ${err.message}`;
  }
  const filters = await inputFilters(compiled, run.request.graph);
  const testMetrics = metricsFor(run, test?.metrics);
  return {
    type: 'done',
    runId: run.request.runId,
    stopped: outcome.stopped,
    metrics: {
      testLoss: classes?.loss ?? test?.loss ?? null,
      testAccuracy: classes?.accuracy ?? test?.metrics.accuracy ?? null,
      trainLoss: outcome.lastTrain?.loss ?? null,
      trainAccuracy: outcome.lastTrain?.metrics.accuracy ?? null,
      seconds: (run.clock() - started) / 1000,
      epochsCompleted: outcome.epochsCompleted,
      ...(testMetrics ? { test: testMetrics } : {}),
    },
    confusion: classes?.confusion ?? [],
    classNames: ds.classNames,
    misclassified: classes?.misclassified ?? [],
    checkpoint,
    ...(test?.metrics.perClassIoU ? { perClassIoU: test.metrics.perClassIoU } : {}),
    ...(view ? { view } : {}),
    ...(saveError ? { saveError } : {}),
    ...withFilters(filters),
  };
}

/** Events carry `filters` only when there are some (graphs without a conv on the input have none). */
const withFilters = (filters: LayerFilters[]) => (filters.length > 0 ? { filters } : {});
