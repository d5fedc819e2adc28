import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../../engine/check/checkGraph';
import { EMBEDDED_DATASETS, type DatasetInfo } from '../../../engine/check/dataset';
import { applyFix, connect, addNode } from '../../../engine/graph/edits';
import { parseGraph } from '../../../engine/graph/load';
import type { GraphDoc } from '../../../engine/graph/types';
import { chain } from '../../helpers/graphs';

const template = (name: string): GraphDoc => {
  const r = parseGraph(readFileSync(`templates/${name}.json`, 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};
const MNIST = EMBEDDED_DATASETS['embedded:mnist']!;

/** LeNet-5 with a dense layer left dangling off F6, as a student leaves one on the canvas. */
function withStray(): GraphDoc {
  const added = addNode(template('lenet5'), 'dense', { x: 600, y: 900 }, { units: 10 }, 'stray');
  return connect(added.doc, 'f6', 'stray');
}

describe('the output is the declared or only end', () => {
  it('a stray branch is an error before training, on the stray, with both fixes', () => {
    const check = checkGraph(withStray());
    expect(check.ok).toBe(false);
    const d = check.diagnostics.find((x) => x.code === 'several-outputs')!;
    expect(d).toMatchObject({ severity: 'error', nodeId: 'stray' });
    expect(d.message).toContain('training needs one output');
    expect(d.fix!.label).toBe('Delete the stray branch (stray)');
    expect(d.moreFixes!.map((f) => f.label)).toEqual(['Use prob as the output', 'Use stray as the output']);
    expect(check.outputIds[0]).toBe('prob'); // the deepest end, had it been chosen

    const deleted = applyFix(withStray(), d.fix!.action);
    expect(checkGraph(deleted).ok).toBe(true);
    expect(deleted.nodes.some((n) => n.id === 'stray')).toBe(false);

    const marked = applyFix(withStray(), d.moreFixes![1]!.action);
    const after = checkGraph(marked);
    expect(marked.output).toBe('stray');
    expect(after.outputIds[0]).toBe('stray');
    expect(after.ok).toBe(true);
    expect(after.diagnostics.map((x) => [x.code, x.nodeId])).toEqual([['unused-branch', 'prob']]);
  });

  it('a declared output that is gone is an error; deleting the declared output clears it', () => {
    expect(checkGraph({ ...template('lenet5'), output: 'nope' }).diagnostics[0]).toMatchObject({
      code: 'output-missing',
      message: 'the graph\'s output is set to "nope", which is not a node',
    });
    const marked = applyFix(withStray(), { kind: 'setOutput', nodeId: 'stray' });
    expect(applyFix(marked, { kind: 'removeNode', nodeId: 'stray' }).output).toBeUndefined();
  });

  it('an input with nothing after it is no model', () => {
    const lone = chain(['in', 'input', { shape: [4] }]);
    expect(checkGraph(lone).diagnostics.map((d) => d.code)).toEqual(['nothing-to-train']);
    expect(checkGraph(lone).ok).toBe(false);
  });
});

describe('the checker knows the graph’s dataset', () => {
  it('a 32×32 input on MNIST, fixed by setting the input', () => {
    const doc = template('lenet5');
    const big = applyFix(doc, { kind: 'setParam', nodeId: 'in', param: 'shape', value: [32, 32, 1] });
    expect(checkGraph(big).ok).toBe(true); // without the dataset, nothing to say
    const d = checkGraph(big, { dataset: MNIST }).diagnostics[0]!;
    expect(d).toMatchObject({ code: 'input-dataset-mismatch', severity: 'error', nodeId: 'in' });
    expect(d.message).toBe("the input is 32×32×1 but embedded:mnist's samples are 28×28×1");
    expect(checkGraph(applyFix(big, d.fix!.action), { dataset: MNIST }).ok).toBe(true);
  });

  it("the DeepLab-lite template's 28×28×2 output on MNIST, fixed fully convolutionally before its softmax", () => {
    // The DeepLab-lite template trained as a classifier on MNIST's 28×28 digits, with 2 scores per pixel
    // (the FCN template's three pools need sides that are multiples of 8).
    const seg = template('deeplab-lite');
    const fcn = {
      ...seg,
      training: {},
      nodes: seg.nodes.map((n) =>
        n.id === 'in' ? { ...n, params: { shape: [28, 28, 1] } } : n.id === 'score' ? { ...n, params: { ...n.params, filters: 2 } } : n,
      ),
    };
    const d = checkGraph(fcn, { dataset: MNIST }).diagnostics.find((x) => x.code === 'output-not-classes')!;
    expect(d.message).toContain('is 28×28×2 per sample, but embedded:mnist has 10 classes');
    expect(d.fix!.label).toBe('Add a 1×1 conv with 10 filters and a global average pool before the softmax');
    const fixed = applyFix(fcn, d.fix!.action);
    const after = checkGraph(fixed, { dataset: MNIST });
    expect(after.ok).toBe(true);
    expect(after.nodes[after.outputIds[0]!]!.outputShape).toEqual([10]);
    expect(checkGraph(applyFix(fcn, d.moreFixes![0]!.action), { dataset: MNIST }).ok).toBe(true);
  });

  it('an output with the wrong number of classes, fixed on the dense before the softmax', () => {
    const cifar100: DatasetInfo = { ...MNIST, source: '/data/c100', name: 'c100', classes: 100 };
    const d = checkGraph(template('lenet5'), { dataset: cifar100 }).diagnostics[0]!;
    expect(d).toMatchObject({ code: 'classes-mismatch', nodeId: 'prob' });
    expect(d.fix!.label).toBe("Set Output's units to 100");
    expect(checkGraph(applyFix(template('lenet5'), d.fix!.action), { dataset: cifar100 }).ok).toBe(true);
  });

  it('every template fits the embedded MNIST it names or falls back to, except the FCN', () => {
    for (const name of ['lenet5', 'mlp', 'resnet-small', 'plain-cnn', 'fashion-cnn']) {
      expect(checkGraph(template(name), { dataset: MNIST }).diagnostics, name).toEqual([]);
    }
  });
});

describe('training advice', () => {
  it('warns about a learning rate far above the optimizer’s range, with a fix', () => {
    const doc = { ...template('lenet5'), training: { optimizer: 'adam', learningRate: 10 } };
    const d = checkGraph(doc).diagnostics[0]!;
    expect(d).toMatchObject({ code: 'learning-rate-high', severity: 'warning', nodeId: null });
    expect(d.message).toContain('far above what Adam usually takes (0.0001 to 0.01)');
    expect(checkGraph(applyFix(doc, d.fix!.action)).diagnostics).toEqual([]);
    expect(checkGraph({ ...doc, training: { optimizer: 'sgd', learningRate: 0.1 } }).diagnostics).toEqual([]);
  });
});
