/** The checker's task rules: the output against `training.task` and the dataset, with fixes that mend it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../../engine/check/checkGraph';
import { applyFix } from '../../../engine/graph/edits';
import { parseGraph } from '../../../engine/graph/load';
import type { GraphDoc } from '../../../engine/graph/types';

function template(name: string): GraphDoc {
  const r = parseGraph(readFileSync(`templates/${name}.json`, 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
}
const edit = (doc: GraphDoc, id: string, params: Record<string, unknown>): GraphDoc => ({
  ...doc,
  nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, ...params } } : n)),
});
const taskProblems = (doc: GraphDoc) => checkGraph(doc).diagnostics.filter((d) => d.code.startsWith('task-'));
const fixed = (doc: GraphDoc) => applyFix(doc, taskProblems(doc)[0]!.fix!.action);

describe('segmentation', () => {
  it('asks for the class count of the embedded set, and sets the scoring conv’s filters', () => {
    const doc = edit(template('fcn'), 'score', { filters: 2 });
    const [p] = taskProblems(doc);
    expect(p).toMatchObject({ code: 'task-output', severity: 'error', nodeId: 'prob' });
    expect(p!.message).toMatch(/embedded:mnist-segmentation has 11 classes per pixel .* but prob gives 2 scores per pixel/);
    expect(p!.fix!.label).toBe("Set score's filters to 11");
    expect(taskProblems(fixed(doc))).toEqual([]);
  });

  it('asks for the mask’s height and width, and inserts the upsample that restores them', () => {
    // DeepLab-lite without its final upsample scores 16×16 positions of a 64×64 mask.
    const base = template('deeplab-lite');
    const doc = {
      ...base,
      edges: [...base.edges.filter((e) => e.source !== 'up' && e.target !== 'up'), { source: 'score', target: 'prob' }],
    };
    const [p] = taskProblems({ ...doc, nodes: doc.nodes.filter((n) => n.id !== 'up') });
    expect(p!.message).toMatch(/scores every pixel of the 64×64 mask, but prob gives 16×16 positions/);
    expect(p!.fix!.label).toBe('Insert a ×4 upsample before prob');
    expect(checkGraph(fixed({ ...doc, nodes: doc.nodes.filter((n) => n.id !== 'up') })).diagnostics).toEqual([]);
  });

  it('refuses a classifier head (a vector out), and without a known dataset reads the mask size from the input', () => {
    const lenet = template('lenet5');
    const onMnist = taskProblems({ ...lenet, training: { ...lenet.training, task: 'segmentation' } });
    expect(onMnist.map((d) => d.message)).toEqual([
      expect.stringMatching(/embedded:mnist has no masks: segmentation needs a class for every pixel/),
    ]);
    const p = taskProblems({ ...lenet, training: { task: 'segmentation' }, dataset: { source: 'embedded:mnist-segmentation' } });
    expect(p).toHaveLength(1);
    expect(p[0]!.message).toMatch(
      /segmentation needs prob to give one score per class at every pixel of the mask \(\[H, W, classes\]\), but it gives 10: .* 1×1 conv with 11 filters/,
    );
    // A folder's class count is only known once loaded: a 64×64×5 output on a folder passes the checker.
    const folder = { ...edit(template('fcn'), 'score', { filters: 5 }), dataset: { source: 'my-scenes' } };
    expect(taskProblems(folder)).toEqual([]);
  });
});

describe('reconstruction', () => {
  it('asks for the input’s shape (a 1×1 conv for the channels) and a sigmoid at the end', () => {
    const ae = template('autoencoder');
    expect(taskProblems(ae)).toEqual([]);
    const threeChannels = edit(ae, 'c5', { filters: 3 });
    const [p] = taskProblems(threeChannels);
    expect(p!.message).toMatch(/reconstruction compares sig with the input, so it must be 28×28×1 like the input, but it is 28×28×3/);
    expect(p!.fix!.label).toBe("Set c5's filters to 1");
    expect(taskProblems(fixed(threeChannels))).toEqual([]);
    const noSigmoid = { ...ae, nodes: ae.nodes.filter((n) => n.id !== 'sig'), edges: ae.edges.filter((e) => e.target !== 'sig') };
    const [w] = taskProblems(noSigmoid);
    expect(w).toMatchObject({ code: 'task-activation', severity: 'warning', nodeId: 'c5' });
    expect(w!.fix!.label).toBe('Add a sigmoid after c5');
    expect(checkGraph(fixed(noSigmoid)).diagnostics).toEqual([]);
  });

  it('leaves classification graphs alone', () => {
    expect(taskProblems(template('lenet5'))).toEqual([]);
    const fcnAsClassifier = { ...template('fcn'), training: {} };
    expect(taskProblems(fcnAsClassifier)).toEqual([]);
  });
});
