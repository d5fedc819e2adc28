/**
 * `netcanvas train FILE [--data PATH|embedded:mnist] [--epochs N] [--batch-size N] [--backend NAME]
 * [--limit N] [--checkpoint PATH] [--json]`. Training runs in a forked trainer process, like in the
 * app; Ctrl-C asks it to stop after the current batch and still saves the weights.
 * Exit codes: 0 trained (or stopped) and saved, 1 training failed or diverged, or the weights could
 * not be saved, 2 bad input (a checkpoint folder that is missing or read-only is found before training).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { freezeThrough } from '../graph/freeze';
import { defaultCheckpointPath } from '../train/checkpoint';
import { startTrainerProcess } from '../train/processClient';
import type { PytorchRunOptions } from '../export/pytorch/runner';
import type { GraphDoc } from '../graph/types';
import type { TrainerEvent } from '../train/protocol';
import { batchBar, doneLines, epochLine, startedLines } from './progress';
import { CliError, out, readGraphFile, warn } from './io';

export interface TrainArgs {
  file: string;
  data?: string;
  epochs?: string;
  batchSize?: string;
  backend?: string;
  limit?: string;
  checkpoint?: string;
  /** Transfer learning: start from this checkpoint wherever ids and shapes match. */
  initFrom?: string;
  /** Freeze this node and every weighted node before it (after --init-from loads them). */
  freezeThrough?: string;
  /** `tfjs`: the app's trainer process; `pytorch`: the exported PyTorch script; default: the graph's `training.runner`, else tfjs. */
  runner?: string;
  json: boolean;
}

export function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--${name} must be a whole number of at least 1, got "${value}"`);
  return n;
}

/** --data wins; else the graph's `dataset.source` (a relative path is relative to the graph file); else embedded MNIST. */
export function datasetSource(data: string | undefined, graphSource: unknown, graphFile: string): string {
  if (data) return data.startsWith('embedded:') ? data : resolve(data);
  if (typeof graphSource === 'string' && graphSource.trim() !== '') {
    const s = graphSource.trim();
    return s.startsWith('embedded:') || isAbsolute(s) ? s : resolve(dirname(graphFile), s);
  }
  return 'embedded:mnist';
}

const USER_ERRORS = new Set(['graph', 'dataset', 'config', 'backend']);

export async function runTrain(args: TrainArgs): Promise<number> {
  let graph = await readGraphFile(args.file);
  if (args.freezeThrough !== undefined) {
    const frozen = freezeThrough(graph, args.freezeThrough);
    if ('error' in frozen) throw new CliError(`--freeze-through: ${frozen.error}`);
    graph = frozen.doc;
    if (!args.json) out(`frozen: ${frozen.frozen.join(', ') || 'nothing (no layer with weights up to there)'}`);
  }
  const initFrom = args.initFrom === undefined ? undefined : resolve(args.initFrom);
  if (initFrom !== undefined && !existsSync(initFrom)) throw new CliError(`--init-from: there is no checkpoint ${initFrom}`);
  const epochs = positiveInt('epochs', args.epochs);
  const batchSize = positiveInt('batch-size', args.batchSize);
  const limit = positiveInt('limit', args.limit);
  const source = datasetSource(args.data, graph.dataset?.source, args.file);
  const checkpointPath = resolve(args.checkpoint ?? defaultCheckpointPath(args.file));

  const tty = !args.json && Boolean(process.stdout.isTTY);
  let barShown = false;
  const clearBar = () => {
    if (barShown) process.stdout.write('\r\x1b[2K');
    barShown = false;
  };
  const show = (e: TrainerEvent) => {
    if (args.json) return out(JSON.stringify(e));
    switch (e.type) {
      case 'started':
        return startedLines(e).forEach((l) => out(l));
      case 'batch':
        if (tty) {
          process.stdout.write(`\r\x1b[2K${batchBar(e)}`);
          barShown = true;
        }
        return;
      case 'epoch':
        clearBar();
        return out(epochLine(e));
      case 'done':
        clearBar();
        doneLines(e).forEach((l) => out(l));
        if (e.saveError) warn(e.saveError);
        return;
      case 'error':
        clearBar();
        warn(e.message);
        return;
      case 'log':
        return out(e.message);
    }
  };

  if (args.runner !== undefined && args.runner !== 'tfjs' && args.runner !== 'pytorch') {
    throw new CliError(`--runner must be "tfjs" or "pytorch", got "${args.runner}"`);
  }
  // --runner wins; else the runner chosen in the app and saved with the graph.
  const runner = args.runner ?? (graph.training as { runner?: unknown } | undefined)?.runner;
  const request = {
    runId: `cli-${process.pid}-${Date.now()}`,
    dataset: { source, ...(limit ? { limit } : {}) },
    config: { epochs, batchSize },
    checkpointPath,
  };
  if (runner === 'pytorch') {
    if (initFrom)
      throw new CliError(
        "--init-from works with the app's trainer (--runner tfjs); export with --checkpoint to start a PyTorch script from trained weights",
      );
    return runWithPytorch(graph, request, show, args.json);
  }

  const run = startTrainerProcess(
    {
      type: 'start',
      ...request,
      graph,
      ...(args.backend ? { backend: args.backend } : {}),
      ...(initFrom ? { initFrom } : {}),
    },
    show,
  );
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      if (!args.json) process.stderr.write('\nstopping after this batch (Ctrl-C again to abort without saving)…\n');
      run.stop();
    } else run.kill();
  };
  process.on('SIGINT', onSigint);
  try {
    const last = await run.done;
    if (last.type === 'done') return last.saveError ? 1 : 0;
    return USER_ERRORS.has(last.kind) ? 2 : 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** The same run through the exported PyTorch script: same events, same exit codes, Ctrl-C stops after a batch. */
async function runWithPytorch(
  graph: GraphDoc,
  request: Omit<PytorchRunOptions, 'signal'>,
  show: (e: TrainerEvent) => void,
  json: boolean,
): Promise<number> {
  const { runPytorchTraining } = await import('../export/pytorch/runner');
  const abort = new AbortController();
  let last: TrainerEvent | null = null;
  const onSigint = () => {
    if (!json) process.stderr.write('\nstopping after this batch…\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    await runPytorchTraining(graph, { ...request, signal: abort.signal }, (e) => {
      if (e.type === 'done' || e.type === 'error') last = e;
      show(e);
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  const end = last as TrainerEvent | null;
  if (end?.type === 'done') return end.saveError ? 1 : 0;
  return end?.type === 'error' && USER_ERRORS.has(end.kind) ? 2 : 1;
}
