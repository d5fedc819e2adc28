/** The run history in the data folder, fed by the training service as the hosts wire it, with a scripted trainer. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunHistory } from '../../electron/services/runs';
import { createTrainingService, type TrainerLauncher } from '../../electron/services/training';
import type { GraphDoc } from '../../engine/graph/types';
import type { TrainerEvent } from '../../engine/train/protocol';

const lenet = JSON.parse(readFileSync('templates/lenet5.json', 'utf8')) as GraphDoc;
const sender = { send: () => {} };

/** A trainer that plays a short run: started, batches, two epochs, done with a checkpoint. */
function scripted(events: (runId: string) => TrainerEvent[]): TrainerLauncher {
  return (request, onEvent) => {
    setTimeout(() => events(request.runId).forEach(onEvent), 5);
    return { stop() {}, kill() {} };
  };
}

const run =
  (accuracy: number) =>
  (runId: string): TrainerEvent[] => [
    {
      type: 'started',
      runId,
      backend: { name: 'wasm', detail: 'SIMD', skipped: [] },
      dataset: { name: 'MNIST', trainCount: 90, validationCount: 10, testCount: 20, shape: [28, 28, 1], classNames: ['0', '1'] },
      params: 61706,
      config: { epochs: 2, learningRate: 0.001 },
      filters: [{ nodeId: 'c1', shape: [1, 1, 1, 1], values: [0.5] }],
    },
    ...[1, 2, 3, 4].map((step): TrainerEvent => ({
      type: 'batch',
      runId,
      epoch: step <= 2 ? 1 : 2,
      batch: ((step - 1) % 2) + 1,
      batchesPerEpoch: 2,
      step,
      loss: 2 / step,
      accuracy: step / 5,
      samplesPerSecond: 100,
    })),
    ...[1, 2].map((epoch): TrainerEvent => ({
      type: 'epoch',
      runId,
      epoch,
      epochs: 2,
      trainLoss: 1 / epoch,
      trainAccuracy: 0.5,
      validationLoss: 0.9 / epoch,
      validationAccuracy: 0.6,
      learningRate: 0.001,
      samplesPerSecond: 100,
      etaSeconds: 2 - epoch,
      seconds: 1,
      backend: 'wasm',
      gradientNorms: { c1: 0.1 * epoch },
    })),
    {
      type: 'done',
      runId,
      stopped: false,
      metrics: { testLoss: 0.3, testAccuracy: accuracy, trainLoss: 0.5, trainAccuracy: 0.5, seconds: 2, epochsCompleted: 2 },
      confusion: [[1]],
      classNames: ['0', '1'],
      misclassified: [],
      checkpoint: '/somewhere/weights.json',
      filters: [{ nodeId: 'c1', shape: [1, 1, 1, 1], values: [0.7] }],
    },
  ];

async function settle(history: ReturnType<typeof createRunHistory>) {
  await new Promise((r) => setTimeout(r, 60));
  await history.flush();
}

describe('run history', () => {
  it('records each run in runs/<id>/run.json beside its weights, names runs by what differs, survives a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'netcanvas-runs-'));
    const history = createRunHistory(dataDir);
    const service = createTrainingService({ launch: scripted(run(0.91)), history });

    const first = service.start({ graph: lenet as never, dataset: { source: 'embedded:mnist', limit: 2000 } }, sender);
    expect(first.name).toBe('LeNet-5');
    await settle(history);
    const sigmoid: GraphDoc = {
      ...lenet,
      nodes: lenet.nodes.map((n) => (n.id === 'r1' ? { ...n, type: 'sigmoid' } : n)),
      training: { ...lenet.training, learningRate: 0.01 },
    };
    const second = service.start({ graph: sigmoid as never, dataset: { source: 'embedded:mnist', limit: 2000 } }, sender);
    expect(second.name).toBe('sigmoid, lr 0.01');
    await settle(history);

    const record = JSON.parse(readFileSync(join(dataDir, 'runs', first.runId, 'run.json'), 'utf8'));
    expect(record).toMatchObject({
      format: 'netcanvas.run',
      version: 1,
      runId: first.runId,
      name: 'LeNet-5',
      status: 'done',
      weights: 'weights.json',
    });
    expect(record.curves.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    expect(record.curves.batches.loss).toEqual([2, 0.5]); // as the editor got them: the service coalesces batches
    expect(record.metrics.testAccuracy).toBe(0.91);
    expect(record.filters.start[0].values).toEqual([0.5]);
    expect(record.filters.trained[0].values).toEqual([0.7]);
    expect(history.weightsPathOf(first.runId)).toBe(join(dataDir, 'runs', first.runId, 'weights.json'));

    await history.rename(second.runId, 'sigmoid, faster');
    // A new host (a reload, a restart) reads the same history back.
    const again = createRunHistory(dataDir);
    const listed = await again.list();
    expect(listed.map((r) => [r.name, r.status, r.testAccuracy])).toEqual([
      ['LeNet-5', 'done', 0.91],
      ['sigmoid, faster', 'done', 0.91],
    ]);
    expect((await again.read(second.runId)).graph.nodes.find((n) => n.id === 'r1')!.type).toBe('sigmoid');

    expect(await again.remove(first.runId)).toEqual({ removed: true });
    expect(existsSync(join(dataDir, 'runs', first.runId))).toBe(false);
    await expect(again.read('../../etc')).rejects.toThrow('There is no run "../../etc"');
  });

  it('a run left "running" by a host that stopped reads as interrupted; a damaged record is skipped', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'netcanvas-runs-'));
    const history = createRunHistory(dataDir);
    const service = createTrainingService({ launch: () => ({ stop() {}, kill() {} }), history });
    const { runId } = service.start({ graph: lenet as never, dataset: { source: 'embedded:mnist' } }, sender);
    await history.flush();
    mkdirSync(join(dataDir, 'runs', 'run-damaged'));
    writeFileSync(join(dataDir, 'runs', 'run-damaged', 'run.json'), '{"format": "netcanvas.run", "vers');
    const later = createRunHistory(dataDir);
    expect((await later.list()).map((r) => [r.runId, r.status])).toEqual([[runId, 'interrupted']]);
  });
});
