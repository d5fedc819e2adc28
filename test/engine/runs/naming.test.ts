import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { differences, nameRun, type RunSetup } from '../../../engine/runs/naming';
import { applyRunEvent, MAX_BATCH_POINTS, newRunRecord, parseRunRecord } from '../../../engine/runs/record';
import type { GraphDoc } from '../../../engine/graph/types';

const template = (name: string) => JSON.parse(readFileSync(`templates/${name}.json`, 'utf8')) as GraphDoc;
const setup = (graph: GraphDoc, limit = 2000): RunSetup & { name: string } => ({
  graph,
  dataset: { source: 'embedded:mnist', limit },
  name: graph.name,
});

describe('runs named by what differs', () => {
  const lenet = template('lenet5');
  it('the first run, and a run of another graph, take the graph’s name', () => {
    expect(nameRun(setup(lenet), [])).toBe('LeNet-5');
    expect(nameRun(setup(template('resnet-small')), [setup(template('plain-cnn'))])).toBe('Small ResNet');
  });

  it('an activation swapped and a learning rate changed: "sigmoid, lr 0.01"', () => {
    const sigmoid: GraphDoc = {
      ...lenet,
      nodes: lenet.nodes.map((n) => (n.id === 'r1' ? { ...n, type: 'sigmoid' } : n)),
      training: { ...lenet.training, learningRate: 0.01 },
    };
    expect(nameRun(setup(sigmoid), [setup(lenet)])).toBe('sigmoid, lr 0.01');
  });

  it('every ReLU gone, batch norm added, a param changed, a smaller sample: named in those words', () => {
    const edited: GraphDoc = {
      ...lenet,
      nodes: lenet.nodes.map((n) =>
        n.type === 'relu' ? { ...n, type: 'tanh' } : n.id === 'c1' ? { ...n, params: { ...n.params, filters: 12 } } : n,
      ),
    };
    expect(differences(setup(edited, 500), setup(lenet))).toEqual(['tanh', 'no relu', 'C1 filters 12', '500 samples']);
    expect(nameRun(setup(edited, 500), [setup(lenet)])).toBe('tanh, no relu, C1 filters 12 and 1 more');
  });

  it('the same setup again is numbered', () => {
    expect(nameRun(setup(lenet), [setup(lenet), setup(lenet)])).toBe('LeNet-5 #3');
  });
});

describe('run records', () => {
  it('thin the batch curve past its limit and round-trip through JSON', () => {
    let record = newRunRecord({
      runId: 'run-1234abcd',
      name: 'x',
      graph: template('mlp'),
      dataset: { source: 'embedded:mnist' },
      runner: 'tfjs',
      startedAt: 'now',
    });
    for (let step = 1; step <= MAX_BATCH_POINTS + 10; step++)
      record = applyRunEvent(record, {
        type: 'batch',
        runId: 'run-1234abcd',
        epoch: 1,
        batch: step,
        batchesPerEpoch: 10_000,
        step,
        loss: 1,
        accuracy: 0,
        samplesPerSecond: 1,
      });
    expect(record.curves.batches.x.length).toBeLessThanOrEqual(MAX_BATCH_POINTS);
    expect(record.curves.batches.x.at(-1)).toBe((MAX_BATCH_POINTS + 10) / 10_000);
    const back = parseRunRecord(JSON.stringify(record));
    expect(back.ok && back.record).toEqual(record);
    expect(parseRunRecord('{"format":"netcanvas.run","version":1,"runId":"../x"}')).toEqual({
      ok: false,
      error: 'the record is incomplete',
    });
  });
});
