import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { divergenceWatch, lowerRate, showLoss } from '../../../engine/train/divergence';
import { readCheckpoint } from '../../../engine/train/checkpoint';
import { train } from '../../../engine/train/train';
import { mountTinyDisk, TINY_DISK_SKIP } from '../../helpers/tinyDisk';
import { collect, tinyMlp } from './fixtures';

const data = { source: 'embedded:mnist', limit: 320, testLimit: 100 };
const dir = mkdtempSync(join(tmpdir(), 'netcanvas-diverge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Plain SGD at 10 without weight decay: the loss explodes to ~5e4 but stays finite (it then settles at chance). */
const exploding = () => tinyMlp({ optimizer: 'sgd', momentum: 0, learningRate: 10, epochs: 3 });

describe('the divergence rule', () => {
  const steps = (classes: number, losses: number[]) => {
    const w = divergenceWatch(classes);
    return losses.map((l) => w.step(l));
  };

  it('catches a loss whose median over 5 steps passes 10x its start', () => {
    // Measured: SGD at 10 on an MLP reads 2.21, 24.2, 1620 …
    const verdicts = steps(10, [2.21, 24.2, 1620]);
    expect(verdicts.slice(0, 2)).toEqual([null, null]);
    expect(verdicts[2]).toMatch(/the loss rose to 24\.2 .*over 10× its start \(2\.30\)/);
  });

  it('lets healthy training and one or two freak batches pass', () => {
    const healthy = [2.21, 2.32, 2.1, 1.97, 1.88, 1.84, 1.49, 1.27, 1.07, 0.98, 0.64, 0.85, 0.52, 0.92, 0.51, 0.2];
    expect(steps(10, healthy).every((v) => v === null)).toBe(true);
    // A batch of one confidently wrong sample can reach 30; two in five do not move the median.
    expect(steps(10, [2.3, 30, 1.5, 40, 1.2, 1.1, 35, 0.9]).every((v) => v === null)).toBe(true);
  });

  it('measures from the loss of a uniform guess when a warm start begins lower', () => {
    // Fine-tuning from a good checkpoint starts at 0.05: 0.6 is worse, but not divergence.
    expect(steps(10, [0.05, 0.6, 0.7, 0.8, 0.6]).every((v) => v === null)).toBe(true);
    expect(steps(10, [0.05, 30, 40, 50]).at(-1)).toMatch(/over 10× its start \(2\.30\)/);
  });

  it('catches a loss that grows while the accuracy stays at chance, from the second epoch', () => {
    const w = divergenceWatch(10);
    w.step(2.3);
    expect(w.epoch(5, 0.1)).toBeNull(); // the first epoch has nothing to grow from
    expect(w.epoch(8, 0.11)).toMatch(/grew to 8\.00 \(from 5\.00 the epoch before\) while the accuracy stayed at chance \(11\.0%/);
    const learning = divergenceWatch(10);
    learning.step(2.3);
    learning.epoch(5, 0.1);
    expect(learning.epoch(8, 0.4)).toBeNull(); // above chance: learning, however noisily
    const settling = divergenceWatch(10);
    settling.step(2.3);
    settling.epoch(8, 0.1);
    expect(settling.epoch(5, 0.1)).toBeNull(); // falling
  });

  it("catches an epoch whose mean loss passes 10x the start (a script that reads only some steps' losses)", () => {
    const w = divergenceWatch(10);
    w.step(2.49);
    expect(w.epoch(64.8, 0.12)).toMatch(/the epoch's mean loss rose to 64\.8, over 10× its start \(2\.49\)/);
    const healthy = divergenceWatch(10);
    healthy.step(2.3);
    expect(healthy.epoch(1.79, 0.45)).toBeNull();
  });

  it('words numbers plainly', () => {
    expect([showLoss(2.2083), showLoss(1620), showLoss(1.2e10)]).toEqual(['2.21', '1,620', '1.2e+10']);
    expect([lowerRate(10), lowerRate(0.3), lowerRate(0.001)]).toEqual(['1', '0.03', '0.0001']);
  });
});

describe('a run that diverges with a finite loss', () => {
  it('ends as diverged with the learning-rate advice (it ended done)', async () => {
    const c = collect();
    const checkpointPath = join(dir, 'fresh.weights.json');
    const last = await train({ type: 'start', runId: 'x', graph: exploding(), dataset: data, checkpointPath }, { onEvent: c.onEvent });
    expect(last).toMatchObject({ type: 'error', kind: 'diverged', checkpoint: checkpointPath });
    const message = last.type === 'error' ? last.message : '';
    expect(message).toMatch(/^training diverged at epoch 1, batch \d+: the loss rose to .* over 10× its start/);
    expect(message).toMatch(/Try a lower learning rate \(now 10; e\.g\. 1\); its last finite weights were saved to /);
    expect(c.of('epoch')).toHaveLength(0);
    expect((await readCheckpoint(checkpointPath)).layers.h1).toHaveLength(2);
  });

  it('never replaces an existing checkpoint: the previous weights stay byte for byte', async () => {
    const checkpointPath = join(dir, 'good.weights.json');
    const good = await train(
      { type: 'start', runId: 'g', graph: tinyMlp({ epochs: 1 }), dataset: data, checkpointPath },
      { onEvent: () => {} },
    );
    expect(good).toMatchObject({ type: 'done', checkpoint: checkpointPath });
    const before = readFileSync(checkpointPath);
    const last = await train({ type: 'start', runId: 'x', graph: exploding(), dataset: data, checkpointPath }, { onEvent: () => {} });
    expect(last).toMatchObject({ type: 'error', kind: 'diverged', checkpoint: checkpointPath });
    expect(last.type === 'error' && last.message).toMatch(
      /the checkpoint .*good\.weights\.json was not replaced and still holds the weights it had$/,
    );
    expect(readFileSync(checkpointPath).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe("with the watch off (TrainHooks.watchDivergence false: losses that are not a model's)", () => {
  // On Dawn's null adapter nothing is computed and a "loss" is whatever a buffer held, NaN included;
  // the GPU memory and fault tests there must still run to the end (a non-finite step is not applied
  // and does not end the run either: ./epoch asks the watch).
  it('runs to the end through an explosion the watch stops', async () => {
    const overflowing = tinyMlp({ optimizer: 'adam', learningRate: 10, epochs: 2 });
    const watched = await train({ type: 'start', runId: 'w', graph: overflowing, dataset: data }, { onEvent: () => {} });
    expect(watched, JSON.stringify(watched)).toMatchObject({ type: 'error', kind: 'diverged' });
    const c = collect();
    const unwatched = await train(
      { type: 'start', runId: 'u', graph: overflowing, dataset: data },
      { onEvent: c.onEvent, watchDivergence: false },
    );
    expect(unwatched, JSON.stringify(unwatched)).toMatchObject({ type: 'done', metrics: { epochsCompleted: 2 } });
    expect(c.of('epoch')).toHaveLength(2);
  });
});

describe('checkpoint safety', () => {
  it('refuses a checkpoint in a missing folder before training, not after', async () => {
    const c = collect();
    const checkpointPath = join(dir, 'no-such-folder', 'net.weights.json');
    const last = await train({ type: 'start', runId: 'm', graph: tinyMlp(), dataset: data, checkpointPath }, { onEvent: c.onEvent });
    expect(last).toMatchObject({ type: 'error', kind: 'config' });
    expect(last.type === 'error' && last.message).toMatch(
      /^cannot save the weights to .*net\.weights\.json: the folder .*no-such-folder does not exist/,
    );
    expect(c.of('started')).toHaveLength(0);
  });

  it('refuses a read-only checkpoint folder before training', async (ctx) => {
    if (process.getuid?.() === 0) return ctx.skip('root writes into read-only folders');
    const folder = mkdtempSync(join(dir, 'ro-'));
    chmodSync(folder, 0o555);
    const last = await train(
      { type: 'start', runId: 'r', graph: tinyMlp(), dataset: data, checkpointPath: join(folder, 'n.weights.json') },
      { onEvent: () => {} },
    );
    expect(last.type === 'error' && last.message).toMatch(/is not writable/);
  });

  it('keeps the results of a run whose checkpoint does not fit on the disk, and says why nothing was saved', async (ctx) => {
    const disk = mountTinyDisk(64 * 1024);
    if (!disk) return ctx.skip(TINY_DISK_SKIP);
    try {
      const checkpointPath = join(disk.dir, 'net.weights.json');
      writeFileSync(checkpointPath, 'the previous checkpoint');
      // The MLP's checkpoint is about 135 KB of base64: more than this disk holds.
      const last = await train(
        { type: 'start', runId: 'f', graph: tinyMlp({ epochs: 1 }), dataset: data, checkpointPath },
        { onEvent: () => {} },
      );
      expect(last).toMatchObject({ type: 'done', checkpoint: null });
      expect(last.type === 'done' && last.metrics.testAccuracy).toBeGreaterThan(0.3);
      expect(last.type === 'done' && last.saveError).toMatch(
        /^the weights were not saved: cannot write .*net\.weights\.json: the disk is full$/,
      );
      expect(readFileSync(checkpointPath, 'utf8')).toBe('the previous checkpoint');
      expect(readdirSync(disk.dir)).toEqual(['net.weights.json']);
    } finally {
      disk.unmount();
    }
  });
});
