/**
 * Every learning-rate schedule gives the same rate, epoch by epoch, in the app's trainer
 * (`learningRateAt`), in the exported PyTorch script (run with python3 and torch) and in the
 * exported TensorFlow.js script (run with Node): each script trains a few epochs on a slice of
 * MNIST and reports each epoch's rate in its events. The Keras script embeds the same Python
 * function as the PyTorch one.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportGraph } from '../../../engine/export';
import { SCHEDULE_TYPES } from '../../../engine/graph/schedules';
import { learningRateAt, resolveTrainingConfig, type Schedule } from '../../../engine/graph/training';
import type { GraphDoc } from '../../../engine/graph/types';
import { chain } from '../../helpers/graphs';
import { findTorchPython, scratchDir } from '../export/workdir';

const EPOCHS = 5;
/** Each schedule with settings away from their defaults. */
const SCHEDULES: Record<Schedule['type'], Schedule> = {
  constant: { type: 'constant' },
  step: { type: 'step', everyEpochs: 2, gamma: 0.3 },
  inverseTime: { type: 'inverseTime', decay: 0.7 },
  cosine: { type: 'cosine', minLearningRate: 0.004 },
};
const ROOT = join(import.meta.dirname, '../../..');
const torch = findTorchPython();
const work = scratchDir('schedules');

const docOf = (schedule: Schedule): GraphDoc => ({
  ...chain(['in', 'input', { shape: [28, 28, 1] }], ['flat', 'flatten'], ['out', 'dense', { units: 10 }]),
  name: `schedule ${schedule.type}`,
  training: { optimizer: 'sgd', learningRate: 0.1, momentum: 0, schedule, epochs: EPOCHS, batchSize: 20, validationSplit: 0 },
  dataset: { source: 'embedded:mnist' },
});

/** Runs a command and gives back the learning rate of each epoch event it printed. */
function epochRates(command: string, args: string[], cwd: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const events = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { type: string; learningRate?: number; message?: string });
      const failed = events.find((e) => e.type === 'error');
      if (code !== 0 || failed) reject(new Error(`${command} ${args.join(' ')} (exit ${code}): ${failed?.message ?? err.slice(-2000)}`));
      else resolve(events.filter((e) => e.type === 'epoch').map((e) => e.learningRate!));
    });
  });
}

const ran = new Map<string, { pytorch: number[] | null; tfjs: number[] }>();

beforeAll(async () => {
  const datasetsDir = join(ROOT, 'datasets');
  // All scripts at once: most of their time is starting Python and torch, or Node and tfjs.
  await Promise.all(
    SCHEDULE_TYPES.map(async (type) => {
      const doc = docOf(SCHEDULES[type]);
      const dirs = { pytorch: join(work.path, `${type}-pytorch`), tfjs: join(work.path, `${type}-tfjs`) };
      for (const target of ['pytorch', 'tfjs'] as const) {
        mkdirSync(dirs[target]);
        for (const f of exportGraph(doc, target, { datasetsDir }).files) writeFileSync(join(dirs[target], f.name), f.text);
      }
      const limit = ['--limit', '20', '--batch-size', '20'];
      const [pytorch, tfjs] = await Promise.all([
        torch.ok ? epochRates(torch.python, ['train.py', ...limit, '--test-limit', '10', '--device', 'cpu'], dirs.pytorch) : null,
        epochRates(join(ROOT, 'node_modules/.bin/tsx'), ['train.ts', ...limit], dirs.tfjs),
      ]);
      ran.set(type, { pytorch, tfjs });
    }),
  );
}, 240_000);
afterAll(() => work.remove());

describe('learning-rate schedules', () => {
  it.each(SCHEDULE_TYPES)('%s: the same rate every epoch in the trainer, the PyTorch script and the TensorFlow.js script', (type) => {
    const resolved = resolveTrainingConfig(docOf(SCHEDULES[type]).training);
    if (!resolved.ok) throw new Error(resolved.error);
    const app = Array.from({ length: EPOCHS }, (_, epoch) => learningRateAt(resolved.config, epoch));
    // A schedule that never changes the rate could not show a mismatch in its formula.
    if (type !== 'constant') expect(new Set(app).size).toBeGreaterThan(2);
    const { pytorch, tfjs } = ran.get(type)!;
    expect(tfjs).toHaveLength(EPOCHS);
    tfjs.forEach((lr, epoch) => expect(lr, `tfjs epoch ${epoch}`).toBeCloseTo(app[epoch]!, 12));
    if (!torch.ok) return;
    expect(pytorch).toHaveLength(EPOCHS);
    pytorch!.forEach((lr, epoch) => expect(lr, `pytorch epoch ${epoch}`).toBeCloseTo(app[epoch]!, 12));
  });

  it("the Keras script's schedule is the PyTorch script's, word for word", () => {
    const doc = docOf(SCHEDULES.cosine);
    const fn = (target: 'pytorch' | 'keras') => {
      const text = exportGraph(doc, target).files.find((f) => f.name === 'train.py')!.text;
      return /def learning_rate_at[\s\S]*?\n(?=\S)/.exec(text)![0];
    };
    expect(fn('keras')).toContain('math.cos');
    expect(fn('keras')).toBe(fn('pytorch'));
  });
});
