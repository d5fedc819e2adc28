import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/compile';
import { applyCheckpoint, CheckpointError, readCheckpoint } from '../../../engine/train/checkpoint';
import { Coalescer } from '../../../engine/train/coalesce';
import { loadTrained, predictBatch } from '../../../engine/train/predict';
import { resolveTrainingConfig } from '../../../engine/graph/training';
import { makeTrainStep, readSteps } from '../../../engine/train/step';
import { train } from '../../../engine/train/train';
import { collect, steppingClock, tinyCnn, tinyMlp } from './fixtures';

const data = { source: 'embedded:mnist', limit: 320, testLimit: 200 };
const dir = mkdtempSync(join(tmpdir(), 'netcanvas-train-'));

describe('train (in process)', () => {
  it('reports started, batches, epochs and done with test metrics', async () => {
    const c = collect();
    const last = await train(
      { type: 'start', runId: 'r', graph: tinyMlp(), dataset: data },
      { onEvent: c.onEvent, clock: steppingClock() },
    );
    expect(last.type).toBe('done');
    const started = c.of('started')[0]!;
    expect(started.dataset).toMatchObject({ trainCount: 288, validationCount: 32, testCount: 200, shape: [28, 28, 1] });
    expect(started.params).toBe(784 * 32 + 32 + 330);
    const epochs = c.of('epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs[1]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
    expect(Object.keys(epochs[0]!.gradientNorms).sort()).toEqual(['h1', 'out']);
    expect(epochs[0]!.gradientNorms.h1).toBeGreaterThan(0);
    expect(c.of('batch').length).toBe(2 * 9);
    const done = c.of('done')[0]!;
    expect(done.metrics.testAccuracy).toBeGreaterThan(0.5);
    expect(done.confusion.flat().reduce((a, b) => a + b, 0)).toBe(200);
    const wrong = done.misclassified[0]!;
    expect(wrong.label).not.toBe(wrong.predicted);
    expect(wrong.pixels).toHaveLength(784);
    expect(wrong.pixels.every((p) => Number.isInteger(p) && p >= 0 && p <= 255)).toBe(true);
  });

  it('gives the same loss curve for the same seed, and a different one for another seed', async () => {
    const curve = async (seed: number) => {
      const c = collect();
      await train({ type: 'start', runId: 's', graph: tinyCnn({ seed }), dataset: data }, { onEvent: c.onEvent });
      return c.of('epoch').map((e) => [e.trainLoss, e.validationLoss]);
    };
    const a = await curve(1);
    expect(await curve(1)).toEqual(a);
    expect(await curve(2)).not.toEqual(a);
  });

  it('follows the learning-rate schedule per epoch', async () => {
    const c = collect();
    const graph = tinyMlp({
      optimizer: 'sgd',
      learningRate: 0.1,
      momentum: 0.9,
      nesterov: true,
      epochs: 3,
      schedule: { type: 'step', everyEpochs: 1, gamma: 0.5 },
    });
    await train({ type: 'start', runId: 'lr', graph, dataset: { ...data, limit: 64 } }, { onEvent: c.onEvent });
    expect(c.of('epoch').map((e) => e.learningRate)).toEqual([0.1, 0.05, 0.025]);
  });

  it('adds weight decay to the loss, globally and per layer', async () => {
    const loss = async (training: Record<string, unknown>) => {
      const c = collect();
      await train(
        { type: 'start', runId: 'wd', graph: tinyMlp({ epochs: 1, ...training }), dataset: { ...data, limit: 64 } },
        { onEvent: c.onEvent },
      );
      return c.of('epoch')[0]!.trainLoss;
    };
    const plain = await loss({});
    const global = await loss({ weightDecay: 0.01 });
    const perLayer = await loss({ layerWeightDecay: { h1: 0.01 } });
    expect(global).toBeGreaterThan(plain + 0.05);
    expect(perLayer).toBeGreaterThan(plain + 0.05);
    expect(perLayer).toBeLessThan(global);
  });

  it('stops within one batch when aborted and keeps (and saves) the weights', async () => {
    const controller = new AbortController();
    const c = collect();
    const checkpointPath = join(dir, 'stopped.weights.json');
    const last = await train(
      { type: 'start', runId: 'stop', graph: tinyMlp({ epochs: 5 }), dataset: data, checkpointPath },
      {
        onEvent: (e) => {
          c.onEvent(e);
          if (e.type === 'batch' && e.step === 3) controller.abort();
        },
        signal: controller.signal,
        clock: steppingClock(),
      },
    );
    expect(last).toMatchObject({ type: 'done', stopped: true, checkpoint: checkpointPath });
    expect(Math.max(...c.of('batch').map((b) => b.step))).toBe(3);
    expect(c.of('epoch')).toHaveLength(0);
    expect((await readCheckpoint(checkpointPath)).layers.h1).toHaveLength(2);
  });

  it('stops with a "diverged" error suggesting a lower learning rate, keeping finite weights', async () => {
    const checkpointPath = join(dir, 'diverged.weights.json');
    // λ·lr = 1000 makes every SGD step multiply the weights by about −2000: they overflow within a few batches.
    const graph = tinyMlp({ optimizer: 'sgd', momentum: 0, learningRate: 10, weightDecay: 100, epochs: 3 });
    const last = await train({ type: 'start', runId: 'nan', graph, dataset: data, checkpointPath }, { onEvent: () => {} });
    expect(last).toMatchObject({ type: 'error', kind: 'diverged', checkpoint: checkpointPath });
    expect(last.type === 'error' && last.message).toMatch(/lower learning rate/);
    const saved = await readCheckpoint(checkpointPath);
    for (const w of Object.values(saved.layers).flat()) {
      const values = new Float32Array(Buffer.from(w.data, 'base64').buffer.slice(0));
      expect(values.every(Number.isFinite)).toBe(true);
    }
  });

  /** A host-guarded step on `graph` with its own optimizer, and the model's weights (moving statistics included). */
  function hostStep(graph: ReturnType<typeof tinyMlp>, optimizer: tf.Optimizer) {
    const resolved = resolveTrainingConfig(graph.training);
    if (!resolved.ok) throw new Error(resolved.error);
    const compiled = compileGraph(graph, tf, { seed: 0 });
    const step = makeTrainStep(tf, compiled, resolved.config, 10, optimizer, 'host');
    const weights = async () => Promise.all(compiled.model.weights.map(async (w) => Array.from(await w.read().data())));
    return { step, weights, dispose: () => (compiled.model.dispose(), optimizer.dispose()) };
  }
  const labels4 = () => tf.tensor1d([1, 2, 3, 4], 'int32') as tf.Tensor1D;

  it('undoes an update that steps a weight to infinity, and says so', async () => {
    // Finite gradients (x is large, not NaN) times a huge rate (an optimizer of our own: the config
    // stops at 10): the update itself overflows.
    const t = hostStep(tinyMlp({ optimizer: 'sgd', momentum: 0 }), tf.train.sgd(1e37));
    const before = await t.weights();
    const [x, labels] = [tf.fill([4, 28, 28, 1], 1000), labels4()];
    const [result] = await readSteps(tf, [await t.step.run(x, labels)]);
    expect(result).toMatchObject({ finite: false, overflowed: true });
    expect(Number.isFinite(result!.loss)).toBe(true);
    expect(await t.weights()).toEqual(before);
    tf.dispose([x, labels]);
    t.dispose();
  });

  it("leaves batch norm's moving statistics alone for a refused step", async () => {
    const t = hostStep(tinyCnn({ optimizer: 'sgd', momentum: 0.9 }), tf.train.momentum(0.1, 0.9));
    const before = await t.weights();
    const [x, labels] = [tf.fill([4, 28, 28, 1], NaN), labels4()];
    const [result] = await readSteps(tf, [await t.step.run(x, labels)]);
    expect(result!.finite).toBe(false);
    expect(await t.weights()).toEqual(before);
    const good = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 1);
    await readSteps(tf, [await t.step.run(good, labels)]);
    expect((await t.weights()).every((w, i) => w.some((v, j) => v !== before[i]![j]))).toBe(true); // all moved, the moving statistics too
    tf.dispose([x, labels, good]);
    t.dispose();
  });

  it('refuses a dataset that does not fit the graph, and a graph with errors', async () => {
    const graph = tinyMlp();
    const wrongClasses = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'out' ? { ...n, params: { units: 3 } } : n)) };
    const a = await train({ type: 'start', runId: 'd', graph: wrongClasses, dataset: data }, { onEvent: () => {} });
    expect(a).toMatchObject({ type: 'error', kind: 'dataset' });
    expect(a.type === 'error' && a.message).toMatch(/10 classes but the final layer has 3 units/);
    const wrongShape = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'in' ? { ...n, params: { shape: [32, 32, 3] } } : n)) };
    const b = await train({ type: 'start', runId: 'd', graph: wrongShape, dataset: data }, { onEvent: () => {} });
    expect(b.type === 'error' && b.kind === 'dataset' && b.message).toMatch(/28×28×1 but the graph's input is 32×32×3/);
    // A spatial output (the DeepLab-lite template's: any input whose sides are multiples of 4) is told how to stay fully convolutional.
    const fcn = JSON.parse(readFileSync(new URL('../../../templates/deeplab-lite.json', import.meta.url), 'utf8'));
    const asClassifier = {
      ...fcn,
      dataset: {},
      nodes: fcn.nodes.map((n: { id: string }) => (n.id === 'in' ? { ...n, params: { shape: [28, 28, 1] } } : n)),
    };
    const c = await train(
      { type: 'start', runId: 'd', graph: { ...asClassifier, training: { task: 'classification' } }, dataset: data },
      { onEvent: () => {} },
    );
    expect(c.type === 'error' && c.kind === 'dataset' && c.message).toMatch(
      /output is 28×28×11 per sample.*: end the graph in a 1×1 conv with 10 filters and a global average pool/,
    );
    // Trained for segmentation on a dataset without masks, it is told where masks come from.
    const s = await train({ type: 'start', runId: 'd', graph: asClassifier, dataset: data }, { onEvent: () => {} });
    expect(s.type === 'error' && s.kind === 'dataset' && s.message).toMatch(/has no masks: segmentation needs a class for every pixel/);
    const missing = await train(
      { type: 'start', runId: 'd', graph, dataset: { source: join(dir, 'nothing-here') } },
      { onEvent: () => {} },
    );
    expect(missing).toMatchObject({ type: 'error', kind: 'dataset' });
    const broken = { ...graph, edges: graph.edges.filter((e) => e.target !== 'flat') };
    expect(await train({ type: 'start', runId: 'g', graph: broken, dataset: data }, { onEvent: () => {} })).toMatchObject({
      type: 'error',
      kind: 'graph',
    });
    expect(await train({ type: 'start', runId: 'c', graph, dataset: data, config: { batchSize: 0 } }, { onEvent: () => {} })).toMatchObject(
      { type: 'error', kind: 'config' },
    );
    expect(await train({ type: 'start', runId: 'b', graph, dataset: data, backend: 'abacus' }, { onEvent: () => {} })).toMatchObject({
      type: 'error',
      kind: 'backend',
    });
  });
});

describe('checkpoints', () => {
  it('round-trips: predictions after loading equal the trained model’s test accuracy', async () => {
    const checkpointPath = join(dir, 'mlp.weights.json');
    const c = collect();
    const last = await train({ type: 'start', runId: 'ck', graph: tinyMlp(), dataset: data, checkpointPath }, { onEvent: c.onEvent });
    expect(last.type).toBe('done');
    const trained = await loadTrained(tinyMlp(), checkpointPath);
    const { loadDataset } = await import('../../../engine/data/load');
    const ds = await loadDataset('embedded:mnist', { limit: 320, testLimit: 200 });
    const probs = await predictBatch(trained, ds.test!.x, ds.test!.count);
    let correct = 0;
    for (let i = 0; i < ds.test!.count; i++) {
      const row = Array.from(probs.subarray(i * 10, i * 10 + 10));
      if (row.indexOf(Math.max(...row)) === ds.test!.y[i]) correct++;
    }
    expect(correct / ds.test!.count).toBeCloseTo(c.of('done')[0]!.metrics.testAccuracy!, 6);
    trained.dispose();
    const saved = JSON.parse(readFileSync(checkpointPath, 'utf8'));
    expect(saved.layers.h1.map((w: { name: string; shape: number[] }) => [w.name, w.shape])).toEqual([
      ['kernel', [784, 32]],
      ['bias', [32]],
    ]);
  });

  it('refuses a checkpoint whose shapes do not fit, naming the layer', async () => {
    const checkpoint = await readCheckpoint(join(dir, 'mlp.weights.json'));
    const other = compileGraph(tinyMlp({}, 16), tf);
    expect(() => applyCheckpoint(tf, other, checkpoint)).toThrow(CheckpointError);
    expect(() => applyCheckpoint(tf, other, checkpoint)).toThrow(/layer "h1".*784×32.*784×16/);
    other.model.dispose();
    await expect(readCheckpoint(join(dir, 'absent.json'))).rejects.toThrow(/no such file/);
  });
});

describe('Coalescer', () => {
  it('forwards at most one value per 50 ms, dropping the ones in between', () => {
    let now = 0;
    const sent: number[] = [];
    const c = new Coalescer<number>(
      (v) => sent.push(v),
      () => now,
    );
    for (let i = 0; i < 100; i++) {
      now = i * 10;
      c.offer(i);
    }
    expect(sent).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95]);
  });
});
