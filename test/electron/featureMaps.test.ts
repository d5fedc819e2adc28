/**
 * Feature maps through the host API, as the app asks for them: `inspect.featureMaps` validated by
 * the dispatcher, answered by a real trainer process (forked, kept warm), from a real run's
 * checkpoint in the run history or the graph's initial weights. The maps equal what the compiled
 * model computes in this process with the same weights; LeNet-5's round trip is measured; bad input
 * (a graph with an error, a node too large, a run without weights, weights of another graph, a dead
 * process) gets a one-line message.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureMapsAnswer, RequestArgs } from '../../electron/api/contract';
import { handleRequest } from '../../electron/services/dispatcher';
import { createServices } from '../../electron/services/index';
import { createFeatureMapsService } from '../../electron/services/featureMaps';
import type { WorkerProcess } from '../../engine/train/processClient';
import type { EventSink, Services } from '../../electron/services/types';
import { compileGraph } from '../../engine/compile/compile';
import { loadDataset } from '../../engine/data/load';
import { parseGraph } from '../../engine/graph/load';
import type { GraphDoc } from '../../engine/graph/types';
import { featureMaps } from '../../engine/inspect/featureMaps';
import { startWorkerProcess } from '../../engine/train/processClient';
import { applyCheckpoint, readCheckpoint } from '../../engine/train/checkpoint';
import { train } from '../../engine/train/train';

const work = mkdtempSync(join(tmpdir(), 'netcanvas-featuremaps-'));
const sink: EventSink = { send() {} };
const lenet = (() => {
  const parsed = parseGraph(readFileSync('templates/lenet5.json', 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.doc;
})();

let services: Services;
let lastProcess: WorkerProcess | null = null;
let runId = '';

async function ask(args: RequestArgs<'inspect.featureMaps'>): Promise<FeatureMapsAnswer> {
  const reply = await handleRequest(services, 'inspect.featureMaps', args, sink);
  if (!reply.ok) throw new Error(reply.error);
  return reply.result as FeatureMapsAnswer;
}
async function refusal(args: unknown): Promise<string> {
  const reply = await handleRequest(services, 'inspect.featureMaps', args, sink);
  if (reply.ok) throw new Error('expected a refusal');
  return reply.error;
}
const graphArg = (doc: GraphDoc) => doc as unknown as Record<string, unknown>;

beforeAll(async () => {
  services = createServices({
    kind: 'web',
    version: 'test',
    dataDir: join(work, 'data'),
    templatesDir: 'templates',
    launchTrainer: () => {
      throw new Error('no training here');
    },
    launchMapsWorker: (onMessage, onExit) => (lastProcess = startWorkerProcess(onMessage, onExit)),
    loadExporter: async () => null,
    shell: { openDialog: async () => ({ path: null }), saveDialog: async () => ({ path: null }), setTitle() {} },
  });
  // A real (short) run of LeNet-5, recorded in the history with its checkpoint.
  const history = services.runs;
  runId = history.begin({
    runId: 'run-maps1',
    graph: lenet,
    dataset: { source: 'embedded:mnist', limit: 256, testLimit: 64 },
    runner: 'tfjs',
  }).runId;
  await tf.setBackend('cpu');
  const end = await train(
    {
      type: 'start',
      runId,
      graph: { ...lenet, training: { ...lenet.training, epochs: 1 } },
      dataset: { source: 'embedded:mnist', limit: 256, testLimit: 64 },
      backend: 'cpu',
      checkpointPath: history.weightsPathOf(runId),
    },
    { onEvent: (e) => history.record(e) },
  );
  if (end.type !== 'done') throw new Error(`the run failed: ${JSON.stringify(end)}`);
  await history.flush();
}, 300_000);

afterAll(() => {
  services?.featureMaps.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('inspect.featureMaps', { timeout: 240_000 }, () => {
  it('computes the chosen nodes from the run’s checkpoint, equal to the compiled model’s outputs here', async () => {
    const answer = await ask({ graph: graphArg(lenet), runId, sample: { kind: 'test', index: 3 }, nodeIds: ['c1', 'prob'] });
    expect(answer.weights).toMatchObject({ kind: 'trained', runId });
    expect(answer.sample).toMatchObject({ index: 3, shape: [28, 28, 1], testCount: 2000, name: 'Test sample 3 of 2,000' });
    expect(answer.sample.className).toBe(answer.classNames[answer.sample.label!]);
    const [c1, prob] = answer.maps;
    if (!c1 || !('values' in c1) || !prob || !('values' in prob)) throw new Error('maps missing');
    expect(c1.shape).toEqual([28, 28, 6]);
    expect(c1.values).toHaveLength(28 * 28 * 6);
    expect(prob.shape).toEqual([10]);
    expect(prob.values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);

    // The oracle: the same graph, weights and test digit, through the compiled model in this process.
    const ds = await loadDataset('embedded:mnist', { limit: 1, testLimit: 10 });
    const compiled = compileGraph(lenet, tf);
    applyCheckpoint(tf, compiled, await readCheckpoint(services.runs.weightsPathOf(runId)));
    const want = await featureMaps(tf, compiled, ds.test!.x.slice(3 * 784, 4 * 784), ['c1', 'prob']);
    compiled.model.dispose();
    const scale = Math.max(Math.abs(want[0]!.min), Math.abs(want[0]!.max));
    c1.values.forEach((v, i) => expect(Math.abs(v - want[0]!.values[i]!)).toBeLessThanOrEqual(scale * 1e-4));
    expect(c1.min).toBeCloseTo(want[0]!.min, 5);
    expect(c1.max).toBeCloseTo(want[0]!.max, 5);
    expect(answer.sample.label).toBe(ds.test!.y[3]);
  });

  it('answers LeNet-5 in under 300 ms a click once the process is warm', async () => {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const nodeIds = [['c1'], ['c3'], ['prob'], ['r1', 's2']][i % 4]!;
      const t0 = performance.now();
      const answer = await ask({ graph: graphArg(lenet), runId, sample: { kind: 'test', index: i }, nodeIds });
      times.push(performance.now() - t0);
      expect(answer.maps.map((m) => m.nodeId)).toEqual(nodeIds);
    }
    times.sort((a, b) => a - b);
    const median = times[3]!;
    console.log(`LeNet-5 feature maps, host round trip: median ${median.toFixed(1)} ms, max ${times[6]!.toFixed(1)} ms (7 clicks)`);
    expect(median).toBeLessThan(300);
  });

  it('uses initial weights before any run, and says why when the run has no weights or they no longer fit', async () => {
    const initial = await ask({ graph: graphArg(lenet), sample: { kind: 'test', index: 0 }, nodeIds: ['c1'] });
    expect(initial.weights).toEqual({ kind: 'initial' });
    const changed = { ...lenet, nodes: lenet.nodes.map((n) => (n.id === 'c1' ? { ...n, params: { ...n.params, filters: 8 } } : n)) };
    const misfit = await ask({ graph: graphArg(changed), runId, sample: { kind: 'test', index: 0 }, nodeIds: ['c1'] });
    expect(misfit.weights.kind).toBe('initial');
    expect(misfit.weights.kind === 'initial' && misfit.weights.reason).toMatch(
      /^the graph changed since the run "LeNet-5" was trained \(.*c1/,
    );
    expect(misfit.maps[0]!.shape).toEqual([28, 28, 8]);
    services.runs.begin({ runId: 'run-empty', graph: lenet, dataset: { source: 'embedded:mnist' }, runner: 'tfjs' });
    const none = await ask({ graph: graphArg(lenet), runId: 'run-empty', sample: { kind: 'test', index: 0 }, nodeIds: ['c1'] });
    expect(none.weights.kind === 'initial' && none.weights.reason).toMatch(/saved no weights \(running\)/);
  });

  it('takes an image’s pixels at the input’s size, scaled like the training data', async () => {
    const pixels = Array.from({ length: 784 }, (_, i) => (i % 28 < 14 ? 255 : 0));
    const answer = await ask({
      graph: graphArg(lenet),
      sample: { kind: 'pixels', pixels, shape: [28, 28, 1], name: 'half.png' },
      nodeIds: ['in'],
    });
    const map = answer.maps[0]!;
    expect('values' in map && map.values.slice(12, 16)).toEqual([1, 1, 0, 0]);
    expect(answer.sample).toMatchObject({ name: 'half.png', index: null, label: null });
  });

  it('refuses bad input with one line: a graph with an error, an unknown node, a sample out of range, bad arguments', async () => {
    const broken = { ...lenet, nodes: lenet.nodes.map((n) => (n.id === 'c3' ? { ...n, params: { ...n.params, kernelSize: 30 } } : n)) };
    expect(await refusal({ graph: broken, sample: { kind: 'test', index: 0 }, nodeIds: ['c1'] })).toMatch(
      /^No feature maps: the graph has 1 error: .*kernel.*; fix the graph to see its feature maps$/,
    );
    const unreadable = { ...lenet, nodes: lenet.nodes.map((n) => (n.id === 'f5' ? { ...n, params: { ...n.params, units: -3 } } : n)) };
    expect(await refusal({ graph: unreadable, sample: { kind: 'test', index: 0 }, nodeIds: ['c1'] })).toBe(
      'No feature maps: nodes[8].params.units: expected a positive integer, got -3',
    );
    expect(await refusal({ graph: lenet, sample: { kind: 'test', index: 0 }, nodeIds: ['c9'] })).toBe(
      'No feature maps: there is no node "c9" in the graph',
    );
    expect(await refusal({ graph: lenet, sample: { kind: 'test', index: 5000 }, nodeIds: ['c1'] })).toBe(
      'No feature maps: there is no test sample 5000: MNIST (embedded subset) has 2000 (0 to 1999)',
    );
    expect(await refusal({ graph: lenet, sample: { kind: 'pixels', pixels: [1, 2], shape: [2, 1, 1], name: 'x' }, nodeIds: ['c1'] })).toBe(
      "No feature maps: the image is 2×1×1 but the graph's input is 28×28×1",
    );
    expect(await refusal({ graph: lenet, sample: { kind: 'test', index: 0 }, nodeIds: [] })).toMatch(/^inspect.featureMaps: nodeIds: /);
    expect(await refusal({ graph: lenet, sample: { kind: 'test', index: -1 }, nodeIds: ['c1'] })).toMatch(
      /^inspect.featureMaps: sample.index: /,
    );
    expect(await refusal({ graph: { format: 'x' }, sample: { kind: 'test', index: 0 }, nodeIds: ['c1'] })).toMatch(/^No feature maps: /);
  });

  it('does not compute or send a node too large to draw, and says so', async () => {
    const big: GraphDoc = {
      format: 'netcanvas.graph',
      version: 1,
      name: 'Wide',
      nodes: [
        { id: 'in', type: 'input', params: { shape: [28, 28, 1] } },
        { id: 'wide', type: 'conv2d', params: { filters: 2048, kernelSize: 1 } },
        { id: 'flat', type: 'flatten', params: {} },
        { id: 'out', type: 'dense', params: { units: 10 } },
      ],
      edges: [
        { source: 'in', target: 'wide' },
        { source: 'wide', target: 'flat' },
        { source: 'flat', target: 'out' },
      ],
      training: { batchSize: 1 },
    };
    const answer = await ask({ graph: graphArg(big), sample: { kind: 'test', index: 0 }, nodeIds: ['wide', 'in'] });
    expect(answer.maps[0]).toEqual({
      nodeId: 'wide',
      type: 'conv2d',
      shape: [28, 28, 2048],
      tooLarge: "wide's output is 28×28×2048 (1,605,632 values), more than the 1,048,576 the view draws for one node",
    });
    expect('values' in answer.maps[1]! && answer.maps[1].values).toHaveLength(784);
  });

  it('starts a fresh process after the warm one was killed from outside (as an out-of-memory kill would)', async () => {
    const killed = lastProcess!;
    process.kill(killed.pid!, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const answer = await ask({ graph: graphArg(lenet), sample: { kind: 'test', index: 1 }, nodeIds: ['c1'] });
    expect(lastProcess).not.toBe(killed);
    expect(answer.maps[0]!.shape).toEqual([28, 28, 6]);
  });
});

describe('the feature-map service', () => {
  const job = { graph: lenet, source: 'embedded:mnist', sample: { kind: 'test', index: 0 } as const, nodeIds: ['c1'] };

  it('turns a process that dies mid-request into a message, and a request that hangs into another', async () => {
    let exit: (why: string) => void = () => {};
    let launched = 0;
    const service = createFeatureMapsService({
      launch: (_onMessage, onExit) => {
        launched++;
        exit = onExit;
        return { send() {}, kill() {} };
      },
      timeoutMs: 300,
    });
    const pending = service.featureMaps(job);
    exit('killed by SIGKILL: the system may have run out of memory, or another program ended it');
    await expect(pending).rejects.toThrow(
      'The inspection process stopped unexpectedly (killed by SIGKILL: the system may have run out of memory, or another program ended it); try again',
    );
    await expect(service.featureMaps(job)).rejects.toThrow(
      'The feature maps took longer than 0 s and were stopped; try fewer or smaller nodes',
    );
    expect(launched).toBe(2);
    service.dispose();
  });

  it('says when the host has no inspection process', async () => {
    await expect(createFeatureMapsService({}).featureMaps(job)).rejects.toThrow('Feature maps are not available in this host');
  });
});
