/**
 * Runs the PyTorch export as a trainer: writes the export to a temporary folder, starts its
 * train.py with a Python that has torch (under torchrun-style DistributedDataParallel when asked for
 * several processes), and turns its JSON lines into the in-app trainer's events, so the app and
 * `netcanvas train --runner pytorch` draw the same curves whichever engine trains.
 *
 * @example
 *   const code = await runPytorchTraining(doc, { runId: 'r1', dataset: { source: 'embedded:mnist', limit: 1000 } }, (e) => console.log(e));
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { defaultDatasetsDir, embeddedFolder } from '../../data/embedded';
import { DatasetError } from '../../data/types';
import type { GraphDoc } from '../../graph/types';
import { checkpointPathProblem } from '../../train/checkpoint';
import type { DatasetRequest, TrainerEvent } from '../../train/protocol';
import { ExportError, exportGraph } from '../index';
import type { WeightsFile } from '../weights';
import { findTorchPythonAsync } from './python-env';
import { TORCHRUN_FLAGS } from './readme';

export interface PytorchRunOptions {
  readonly runId: string;
  readonly dataset: DatasetRequest;
  /** Overrides merged over `graph.training` (e.g. epochs, batchSize), as in TrainerRequest. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** cuda, mps or cpu; default: the best PyTorch finds. */
  readonly device?: 'cuda' | 'mps' | 'cpu';
  /** More than 1: DistributedDataParallel over that many processes (torch.distributed.run). */
  readonly processes?: number;
  /** Where to write the trained weights (the app's checkpoint format); omitted: not saved. */
  readonly checkpointPath?: string;
  /** Start from these weights instead of fresh initial ones. */
  readonly weights?: WeightsFile;
  /** Aborting asks the script to stop after the current batch; it still reports `done`. */
  readonly signal?: AbortSignal;
  /** Aborting ends the script at once (SIGKILL); no further events are reported. */
  readonly killSignal?: AbortSignal;
  /** Where `embedded:` datasets live (default: NETCANVAS_DATASETS, else the repo's datasets/). */
  readonly datasetsDir?: string;
  /** Python executables to try (default: NETCANVAS_PYTHON, else /usr/bin/python3, python3, python). */
  readonly pythons?: readonly string[];
}

const TYPES = new Set(['started', 'batch', 'epoch', 'done', 'error', 'log']);

/** Resolves with the script's exit code (0: trained or stopped); every outcome is also reported as an event. */
export async function runPytorchTraining(doc: GraphDoc, opts: PytorchRunOptions, onEvent: (event: TrainerEvent) => void): Promise<number> {
  const fail = (kind: Extract<TrainerEvent, { type: 'error' }>['kind'], message: string) => {
    onEvent({ type: 'error', runId: opts.runId, kind, message });
    return kind === 'internal' ? 70 : 1;
  };
  if (opts.checkpointPath) {
    const problem = await checkpointPathProblem(opts.checkpointPath);
    if (problem) return fail('config', problem);
  }
  const python = await findTorchPythonAsync(opts.pythons);
  if (!python.ok) return fail('backend', `cannot train with PyTorch: ${python.message}`);

  const training = { ...(doc.training ?? {}), ...(opts.config ?? {}) };
  let files;
  try {
    files = exportGraph({ ...doc, training }, 'pytorch', {
      weights: opts.weights,
      datasetsDir: opts.datasetsDir ?? defaultDatasetsDir(),
    }).files;
  } catch (err) {
    if (err instanceof ExportError) return fail(err.diagnostics.length ? 'graph' : 'config', err.message);
    throw err;
  }
  if (opts.killSignal?.aborted) return 137;
  // A generated embedded set (embedded:mnist-segmentation) is made here, as the app's trainer makes it, and its folder passed on.
  let source = opts.dataset.source;
  if (source.startsWith('embedded:')) {
    try {
      source = (await embeddedFolder(source.slice('embedded:'.length), { datasetsDir: opts.datasetsDir })) ?? source;
    } catch (err) {
      if (err instanceof DatasetError) return fail('dataset', err.message);
      throw err;
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'netcanvas-pytorch-'));
  for (const f of files) writeFileSync(join(dir, f.name), f.text);

  const script = [join(dir, 'train.py'), '--data', source, '--run-id', opts.runId];
  if (opts.dataset.limit) script.push('--limit', String(opts.dataset.limit));
  if (opts.dataset.testLimit) script.push('--test-limit', String(opts.dataset.testLimit));
  if (opts.dataset.normalization) script.push('--normalization', opts.dataset.normalization);
  if (opts.device) script.push('--device', opts.device);
  if (opts.checkpointPath) script.push('--save', opts.checkpointPath);
  const processes = opts.processes ?? 1;
  const launcher = ['-m', 'torch.distributed.run', `--nproc_per_node=${processes}`, ...TORCHRUN_FLAGS];
  const args = processes > 1 ? [...launcher, ...script] : script;

  const child = spawn(python.python, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  const stop = () => child.kill('SIGTERM');
  const kill = () => child.kill('SIGKILL');
  opts.signal?.addEventListener('abort', stop, { once: true });
  opts.killSignal?.addEventListener('abort', kill, { once: true });
  // Asked to stop or end while Python was being found: the listeners above came too late.
  if (opts.killSignal?.aborted) kill();
  else if (opts.signal?.aborted) stop();
  let finished = false;
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 40) stderr.shift();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    let event: TrainerEvent | null = null;
    try {
      const value = JSON.parse(line) as { type?: unknown };
      if (value && typeof value.type === 'string' && TYPES.has(value.type)) event = value as TrainerEvent;
    } catch {
      // Not an event: a print from user code or a library; pass it on as a log line.
    }
    if (event?.type === 'done' || event?.type === 'error') finished = true;
    onEvent(event ?? { type: 'log', runId: opts.runId, message: line });
  });

  const code = await new Promise<number>((resolve) => {
    child.on('error', (err) => {
      stderr.push(err.message);
      resolve(127);
    });
    child.on('close', (status) => resolve(status ?? 1));
  });
  opts.signal?.removeEventListener('abort', stop);
  opts.killSignal?.removeEventListener('abort', kill);
  rmSync(dir, { recursive: true, force: true });
  if (!finished && opts.killSignal?.aborted) return code;
  if (!finished && opts.signal?.aborted) {
    // Stopped before the script could listen (while torch was loading): nothing was trained.
    const metrics = { testLoss: null, testAccuracy: null, trainLoss: null, trainAccuracy: null, seconds: 0, epochsCompleted: 0 };
    onEvent({
      type: 'done',
      runId: opts.runId,
      stopped: true,
      metrics,
      confusion: [],
      classNames: [],
      misclassified: [],
      checkpoint: null,
    });
    return 0;
  }
  if (!finished) {
    const detail = stderr
      .filter((l) => l.trim())
      .slice(-3)
      .join(' | ');
    return fail('internal', `the PyTorch script stopped without reporting (exit code ${code})${detail ? `: ${detail}` : ''}`);
  }
  return code;
}
