/** The training service's forwarding rules, with a scripted launcher standing in for the process. */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Events } from '../../electron/api/contract';
import { createTrainingService, type StartRequest, type TrainerLauncher } from '../../electron/services/training';
import type { TrainerEvent } from '../../engine/train/protocol';

const graph = JSON.parse(readFileSync('templates/mlp.json', 'utf8')) as Record<string, unknown>;

function harness(batchIntervalMs = 50, stopGraceMs = 1000) {
  const received: Events['train.event'][] = [];
  const sender = { send: (_e: string, p: unknown) => received.push(p as TrainerEvent) };
  let emit!: (e: TrainerEvent) => void;
  let exit!: (why: string) => void;
  let started!: StartRequest;
  const handle = { stop: vi.fn(), kill: vi.fn() };
  const launch: TrainerLauncher = (request, onEvent, onExit) => {
    started = request;
    emit = onEvent;
    exit = onExit;
    return handle;
  };
  const service = createTrainingService({ launch, batchIntervalMs, stopGraceMs, checkpointPathFor: (id) => `/ckpt/${id}.json` });
  const { runId } = service.start({ graph, dataset: { source: 'embedded:mnist', limit: 100 } }, sender);
  const batch = (step: number): TrainerEvent => ({
    type: 'batch',
    runId,
    epoch: 1,
    batch: step,
    batchesPerEpoch: 100,
    step,
    loss: 1 / step,
    accuracy: 0,
    samplesPerSecond: 1,
  });
  return {
    service,
    received,
    sender,
    handle,
    runId,
    batch,
    emit: (e: TrainerEvent) => emit(e),
    exit: (w: string) => exit(w),
    started: () => started,
  };
}

afterEach(() => vi.useRealTimers());

describe('training service', () => {
  it('starts the trainer with a validated graph, a run id and a checkpoint path', () => {
    const h = harness();
    expect(h.runId).toMatch(/^run-[0-9a-f]{8}$/);
    expect(h.started()).toMatchObject({
      type: 'start',
      runId: h.runId,
      dataset: { source: 'embedded:mnist', limit: 100 },
      checkpointPath: `/ckpt/${h.runId}.json`,
    });
    expect(() => h.service.start({ graph, dataset: { source: 'embedded:mnist' } }, h.sender)).toThrow(/already training/);
  });

  it('coalesces batch events to one per interval, latest wins, flushed before the epoch event', () => {
    vi.useFakeTimers();
    const h = harness(50);
    for (let i = 1; i <= 100; i++) h.emit(h.batch(i));
    expect(h.received.map((e) => (e as { step: number }).step)).toEqual([1]);
    vi.advanceTimersByTime(50);
    expect(h.received.map((e) => (e as { step: number }).step)).toEqual([1, 100]);
    h.emit(h.batch(101));
    h.emit(h.batch(102));
    h.emit({ type: 'log', runId: h.runId, message: 'epoch next' });
    expect(h.received.slice(2).map((e) => e.type + ((e as { step?: number }).step ?? ''))).toEqual(['batch102', 'log']);
  });

  it('turns a trainer that dies without a final event into an error the UI can show; the run is over', () => {
    const h = harness();
    h.exit('exit code 134');
    expect(h.received.at(-1)).toEqual({
      type: 'error',
      runId: h.runId,
      kind: 'internal',
      message: 'the trainer process stopped unexpectedly (exit code 134); the graph is intact, you can train again',
    });
    expect(h.service.activeRuns()).toEqual([]);
    h.emit(h.batch(5));
    expect(h.received).toHaveLength(1);
  });

  it('stops gracefully, and kills a trainer that does not stop in time', () => {
    vi.useFakeTimers();
    const h = harness(50, 1000);
    expect(h.service.stop(h.runId)).toEqual({ stopped: true });
    expect(h.handle.stop).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(1000);
    expect(h.handle.kill).toHaveBeenCalledOnce();
    expect(h.received.at(-1)).toMatchObject({
      type: 'error',
      kind: 'internal',
      message: expect.stringContaining('did not stop within 1 s'),
    });
    expect(h.service.stop(h.runId)).toEqual({ stopped: false });
  });

  it('a done event ends the run; a closed client kills its runs', () => {
    const h = harness();
    h.emit({
      type: 'done',
      runId: h.runId,
      stopped: false,
      metrics: { testLoss: 1, testAccuracy: 0.5, trainLoss: 1, trainAccuracy: 0.5, seconds: 1, epochsCompleted: 1 },
      confusion: [],
      classNames: [],
      misclassified: [],
      checkpoint: null,
    });
    expect(h.service.activeRuns()).toEqual([]);
    const second = h.service.start({ graph, dataset: { source: 'embedded:mnist' } }, h.sender);
    h.service.stopAllFor(h.sender);
    expect(h.handle.kill).toHaveBeenCalledOnce();
    expect(h.service.activeRuns()).not.toContain(second.runId);
  });
});
