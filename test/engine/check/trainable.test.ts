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
        message: 'nothing is connected after the input in: connect layers from it, ending in a dense layer with one unit per class',
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
