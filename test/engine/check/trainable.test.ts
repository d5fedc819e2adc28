/** A graph `check` passes can train: one with nothing after its input, or nothing at all, is an error (it passed, and training refused it). */
import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../../engine/check/checkGraph';
import { emptyGraph } from '../../../engine/graph/types';
import { graphOf } from '../../helpers/graphs';

describe('something to train', () => {
  it('a graph with no edges is an error on its input, in words', () => {
    const doc = graphOf(
      [
        ['in', 'input', { shape: [28, 28, 1] }],
        ['c', 'conv2d', { filters: 4, kernelSize: 3 }],
        ['d', 'dense', { units: 10 }],
      ],
      [],
    );
    const r = checkGraph(doc);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([
      {
        code: 'nothing-to-train',
        severity: 'error',
        nodeId: 'in',
        message: 'nothing is connected to the input (in) yet: connect layers from it, ending in a dense layer with one unit per class',
      },
    ]);
  });

  it('an empty graph says so', () => {
    const r = checkGraph(emptyGraph());
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['no-input', 'the graph is empty: add an input node (e.g. shape [28, 28, 1] for MNIST) and layers after it'],
    ]);
  });
});

describe('found by fuzzing', () => {
  it('training settings the trainer would refuse fail check too (optimizer "" passed check, then training said config)', () => {
    const doc = graphOf(
      [
        ['in', 'input', { shape: [4] }],
        ['d', 'dense', { units: 2 }],
      ],
      [['in', 'd']],
    );
    const r = checkGraph({ ...doc, training: { optimizer: '' } });
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual([
      {
        code: 'invalid-training',
        severity: 'error',
        nodeId: null,
        message: 'training.optimizer: Invalid option: expected one of "sgd"|"adam"',
      },
    ]);
  });

  it('a JSON syntax error is reported in one line (V8 quotes the text around it, newlines included)', async () => {
    const { parseGraph } = await import('../../../engine/graph/load');
    const r = parseGraph('{\n  "format": "netcanvas.graph",\n  "version"{ 1,\n  "name": "x"\n}');
    expect(!r.ok && r.error).toMatch(/^not valid JSON/);
    expect(!r.ok && r.error).not.toContain('\n');
  });
});
