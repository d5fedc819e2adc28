/**
 * Measuring finished runs through the host API, as the app asks: `runs.mcDropout` and
 * `runs.ensemble` in a real trainer process on runs the real trainer made, and `train.start`'s
 * `initFrom` (a run of the history or a checkpoint file) with `freezeThrough`. Every refusal is one
 * sentence a student can act on.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EnsembleResult, McDropoutResult } from '../../electron/api/contract';
import { handleRequest, type Reply } from '../../electron/services/dispatcher';
import type { TrainerLauncher, StartRequest } from '../../electron/services/training';
import type { Services } from '../../electron/services/types';
import { startTrainerProcess, type InspectRequest } from '../../engine/train/processClient';
import type { TrainerEvent } from '../../engine/train/protocol';
import { testServices } from '../helpers/services';
import { tinyCnn, tinyMlp } from '../engine/train/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-inspection-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const forked: TrainerLauncher<StartRequest | InspectRequest> = (request, onEvent) => {
  const run = startTrainerProcess(request, onEvent, { env: { ...process.env, NETCANVAS_WASM_THREADS: '1' } });
  return { stop: () => run.stop(), kill: () => run.kill() };
};
const dataset = { source: 'embedded:mnist', limit: 300, testLimit: 120 };
const events: TrainerEvent[] = [];
const sender = { send: (_name: string, payload: unknown) => events.push(payload as TrainerEvent) };
let services: Services;

const ok = <T>(reply: Reply): T => {
  if (!reply.ok) throw new Error(reply.error);
  return reply.result as T;
};
const call = (name: string, args: unknown) => handleRequest(services, name, args, sender);

/** Trains `graph` to its end through `train.start`; resolves with the run id and its final event. */
async function trained(graph: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const { runId } = ok<{ runId: string }>(await call('train.start', { graph, dataset, config: { epochs: 1 }, backend: 'cpu', ...extra }));
  const end = await vi.waitFor(
    () => {
      const e = events.find((x) => x.runId === runId && (x.type === 'done' || x.type === 'error'));
      if (!e) throw new Error('still training');
      return e;
    },
    { timeout: 120_000, interval: 50 },
  );
  await services.runs.flush();
  return { runId, end, started: events.find((x) => x.runId === runId && x.type === 'started') };
}

const withDropout = (seed: number) => ({ ...tinyCnn({ seed }), name: `drop ${seed}` }) as unknown as Record<string, unknown>;
let a: string;
let b: string;
let accuracyA: number;
let accuracyB: number;
let noDropout: string;

beforeAll(async () => {
  services = testServices(dir, { launchTrainer: forked, launchInspector: forked });
  const [ra, rb, rm] = [await trained(withDropout(1)), await trained(withDropout(2)), await trained(tinyMlp() as never)];
  for (const r of [ra, rb, rm]) expect(r.end.type, JSON.stringify(r.end)).toBe('done');
  a = ra.runId;
  b = rb.runId;
  noDropout = rm.runId;
  accuracyA = (ra.end as Extract<TrainerEvent, { type: 'done' }>).metrics.testAccuracy!;
  accuracyB = (rb.end as Extract<TrainerEvent, { type: 'done' }>).metrics.testAccuracy!;
}, 400_000);

describe('runs.mcDropout', () => {
  it('weight scaling is the run’s own test accuracy; the k-pass averages for each k, from a trainer process', async () => {
    const r = ok<McDropoutResult>(await call('runs.mcDropout', { runId: a, passes: [1, 2, 5, 10] }));
    expect(r).toMatchObject({ kind: 'mcDropout', dataset: 'MNIST (embedded subset)', split: 'test', count: 120 });
    expect(r.weightScaling.accuracy).toBeCloseTo(accuracyA, 10);
    expect(r.points.map((p) => p.k)).toEqual([1, 2, 5, 10]);
    expect(r.dropout).toEqual([{ nodeId: 'drop', rate: 0.25 }]);
    // Independent masks: one thinned net is not the full net.
    expect(r.points[0]!.loss).not.toBeCloseTo(r.weightScaling.loss, 6);
    for (const p of r.points) expect(p.accuracy).toBeGreaterThan(0.1);
  }, 120_000);

  it('refuses a graph without dropout, an unknown run, and bad pass counts, in words', async () => {
    expect(await call('runs.mcDropout', { runId: noDropout })).toEqual({
      ok: false,
      error: expect.stringMatching(/^"tiny MLP.*" has no dropout, so every pass is the same net .*add a dropout node/),
    });
    expect(await call('runs.mcDropout', { runId: 'run-nothere' })).toEqual({
      ok: false,
      error: 'There is no run "run-nothere" in the history',
    });
    expect(await call('runs.mcDropout', { runId: a, passes: [0, 2] })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^runs.mcDropout: passes.0: /),
    });
  });
});

describe('runs.ensemble', () => {
  it('each member’s error is its run’s test error; the ensemble and the members’ mean', async () => {
    const r = ok<EnsembleResult>(await call('runs.ensemble', { runIds: [a, b] }));
    expect(r.members.map((m) => m.error)).toEqual([expect.closeTo(1 - accuracyA, 10), expect.closeTo(1 - accuracyB, 10)]);
    expect(r.members[0]!.label).toBe((await services.runs.read(a)).name);
    expect(r.meanMemberError).toBeCloseTo((2 - accuracyA - accuracyB) / 2, 10);
    expect(r.ensemble.error).toBeCloseTo(1 - r.ensemble.accuracy, 12);
    expect(r.count).toBe(120);
  }, 120_000);

  it('refuses one run, the same run twice, and members that do not share classes', async () => {
    expect(await call('runs.ensemble', { runIds: [a] })).toEqual({
      ok: false,
      error: 'runs.ensemble: runIds: an ensemble needs two or more runs',
    });
    expect(await call('runs.ensemble', { runIds: [a, a] })).toEqual({ ok: false, error: 'An ensemble lists each run once' });
    const five = await trained({
      ...tinyMlp(),
      name: 'five',
      nodes: tinyMlp().nodes.map((n) => (n.id === 'out' ? { ...n, params: { units: 5 } } : n)),
    } as never);
    // Five classes cannot train on MNIST: the run ends in an error and has no weights to measure.
    expect(five.end.type).toBe('error');
    expect(await call('runs.ensemble', { runIds: [a, five.runId] })).toEqual({
      ok: false,
      error: expect.stringMatching(/^"five.*" has no trained weights to measure \(it ended with an error\)/),
    });
  }, 120_000);
});

describe('train.start from a checkpoint', () => {
  it('from a run of the history, frozen through c1: the trainer says what loaded; the record keeps c1 frozen', async () => {
    const r = await trained(withDropout(3), { initFrom: { runId: a }, freezeThrough: 'bn' });
    expect(r.end.type, JSON.stringify(r.end)).toBe('done');
    const report = (r.started as Extract<TrainerEvent, { type: 'started' }>).initFrom!;
    expect(report.loaded).toEqual(['c1', 'bn', 'out']);
    expect(report.skipped).toEqual([]);
    const record = await services.runs.read(r.runId);
    // The history keeps the report: a reloaded editor still says what loaded.
    expect(record.initFrom).toEqual(report);
    expect(record.graph.nodes.filter((n) => n.trainable === false).map((n) => n.id)).toEqual(['c1', 'bn']);
  }, 120_000);

  it('a graph that no longer matches: the run ends saying nothing fits; a missing or unchosen file and an unknown node are refused', async () => {
    const r = await trained(tinyMlp() as never, { initFrom: { runId: a } });
    expect(r.end).toMatchObject({
      type: 'error',
      kind: 'config',
      message: expect.stringMatching(/cannot start from .*nothing in .* fits this graph/),
    });
    expect(await call('train.start', { graph: withDropout(1), dataset, initFrom: { path: join(dir, 'none.weights.json') } })).toEqual({
      ok: false,
      error: `There is no checkpoint ${join(dir, 'none.weights.json')}: choose a .weights.json file a run saved`,
    });
    const outside = join(tmpdir(), `netcanvas-outside-${process.pid}.weights.json`);
    writeFileSync(outside, '{}');
    try {
      expect(await call('train.start', { graph: withDropout(1), dataset, initFrom: { path: outside } })).toMatchObject({
        ok: false,
        error: expect.stringMatching(/^Could not open .*outside/),
      });
    } finally {
      rmSync(outside);
    }
    expect(await call('train.start', { graph: withDropout(1), dataset, initFrom: { runId: a }, freezeThrough: 'c9' })).toEqual({
      ok: false,
      error: 'Cannot freeze: there is no node "c9" to freeze through; did you mean "c1"?',
    });
    expect(await call('train.start', { graph: withDropout(1), dataset, initFrom: { runId: 'run-gone' } })).toEqual({
      ok: false,
      error: 'There is no run "run-gone" in the history',
    });
  }, 120_000);
});
