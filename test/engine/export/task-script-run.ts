/** Runs an exported train script, and the app's evaluation to compare it with (task-scripts and mask-folder-scripts tests). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { compileGraph } from '../../../engine/compile';
import { loadDataset } from '../../../engine/data';
import { exportGraph } from '../../../engine/export';
import type { GraphDoc } from '../../../engine/graph/types';
import { resolveTrainingConfig } from '../../../engine/graph/training';
import { applyCheckpoint } from '../../../engine/train/checkpoint';
import type { TrainerEvent } from '../../../engine/train/protocol';
import { evaluateTask } from '../../../engine/train/task-evaluate';
import { taskRun } from '../../../engine/train/task-run';
import { findTorchPython } from './workdir';

export type Done = Extract<TrainerEvent, { type: 'done' }>;

export const torch = findTorchPython();
const tsx = join(import.meta.dirname, '../../../node_modules/.bin/tsx');

/** Test samples the comparisons use. */
export const TEST = 24;

/** The app's test loss and task metrics for `doc` with the checkpoint's weights on the first TEST test samples. */
export async function appEvaluation(doc: GraphDoc, source: string, checkpoint: string) {
  await tf.setBackend('cpu');
  const ds = await loadDataset(source, { limit: 8, testLimit: TEST });
  const compiled = compileGraph(doc, tf);
  applyCheckpoint(tf, compiled, JSON.parse(checkpoint));
  const resolved = resolveTrainingConfig(doc.training);
  if (!resolved.ok) throw new Error(resolved.error);
  const result = await evaluateTask(tf, taskRun(tf, compiled, resolved.config, ds.normalization), ds.test!, ds.shape);
  compiled.model.dispose();
  return result;
}

/** Exports `doc` for `target` with the checkpoint as its weights.json, runs its train script (0 epochs: only the test) and returns its events. */
export function scriptEvents(
  doc: GraphDoc,
  target: 'pytorch' | 'tfjs',
  dir: string,
  folder: string,
  checkpoint: string,
  epochs = 0,
): TrainerEvent[] {
  mkdirSync(dir, { recursive: true });
  for (const f of exportGraph(doc, target).files) writeFileSync(join(dir, f.name), f.text);
  writeFileSync(join(dir, 'weights.json'), checkpoint);
  const flags = [
    '--data',
    folder,
    '--epochs',
    String(epochs),
    '--limit',
    epochs ? '24' : '8',
    '--test-limit',
    String(TEST),
    '--weights',
    'weights.json',
  ];
  const run =
    target === 'pytorch'
      ? spawnSync(torch.ok ? torch.python : 'python3', ['train.py', ...flags, '--device', 'cpu'], {
          cwd: dir,
          encoding: 'utf8',
          timeout: 120_000,
        })
      : spawnSync(tsx, ['train.ts', ...flags], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  const events = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as TrainerEvent);
  const last = events.at(-1);
  if (last?.type !== 'done') throw new Error(`${target} script: ${JSON.stringify(last) ?? run.stderr.slice(-2000)}`);
  return events;
}

export const scriptDone = (...args: Parameters<typeof scriptEvents>) => scriptEvents(...args).at(-1) as Done;
