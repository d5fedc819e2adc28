import { describe, expect, it } from 'vitest';
import { parseGraph, serializeGraph } from '../../../engine/graph/load';
import { lessonProblems } from '../../../engine/lesson';

const nodes = [
  { id: 'in', type: 'input', params: { shape: [28, 28, 1] } },
  { id: 'c1', type: 'conv2d', params: { filters: 4, kernelSize: 3 } },
];
const edges = [{ source: 'in', target: 'c1' }];

function fileWith(lesson: unknown): string {
  return JSON.stringify({ format: 'netcanvas.graph', version: 1, name: 'x', nodes, edges, lesson });
}

const good = {
  title: 'Receptive field',
  instructions: 'Make **c1** see more.',
  hints: ['K+P−1', 'pooling is free'],
  locked: { nodes: ['in'], params: { c1: ['filters'] }, training: ['optimizer'] },
  palette: ['conv2d', 'relu'],
  checks: [
    { id: 'rf', text: 'c1 sees 5 pixels', points: 3, kind: 'receptiveField', node: 'c1', min: 5 },
    { id: 'ok', text: 'no errors', points: 1, kind: 'valid' },
    { id: 'mom', text: 'momentum', points: 1, kind: 'training', field: 'schedule.type', value: ['step', 'inverseTime'] },
    { id: 'acc', text: 'accuracy', points: 2, kind: 'testAccuracy', min: 0.9 },
    { id: 'skip', text: 'a skip', points: 1, kind: 'path', from: 'in', to: 'c1', through: 'add', avoid: ['conv2d'] },
  ],
  run: { dataset: 'embedded:mnist', limit: 1000, testLimit: 500, epochs: 2, seed: 1 },
};

describe('lesson schema', () => {
  it('loads a lesson and saves it back unchanged, unknown fields included at every level', () => {
    const lesson = {
      ...good,
      course: 'COMP0088',
      locked: { ...good.locked, note: 'n' },
      checks: good.checks.map((c, i) => (i === 0 ? { ...c, rubric: 'R1' } : c)),
      run: { ...good.run, future: true },
    };
    const text = fileWith(lesson);
    const r = parseGraph(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(JSON.parse(serializeGraph(r.doc))).toEqual(JSON.parse(text));
    expect(lessonProblems(r.doc)).toEqual([]);
  });

  it('gives a check without points one point', () => {
    const r = parseGraph(fileWith({ ...good, checks: [{ id: 'ok', text: 'no errors', kind: 'valid' }] }));
    expect(r.ok && r.doc.lesson?.checks[0]?.points).toBe(1);
  });

  it.each([
    ['no title', { ...good, title: undefined }, /^lesson\.title: expected a title/],
    ['instructions not text', { ...good, instructions: 3 }, /^lesson\.instructions: expected Markdown instructions/],
    ['a hint that is not text', { ...good, hints: ['a', 2] }, /^lesson\.hints\[1\]: expected a string/],
    [
      'a misspelt kind',
      { ...good, checks: [{ id: 'a', text: 't', kind: 'recptiveField', node: 'c1', min: 3 }] },
      /^lesson\.checks\[0\]\.kind: unknown check kind "recptiveField"; did you mean "receptiveField"\?/,
    ],
    [
      'a kind without its field',
      { ...good, checks: [{ id: 'a', text: 't', kind: 'receptiveField', min: 3 }] },
      /^lesson\.checks\[0\]\.node: a receptiveField check needs "node"/,
    ],
    [
      'a field the kind does not take',
      { ...good, checks: [{ id: 'a', text: 't', kind: 'count', node: 'c1', min: 1 }] },
      /^lesson\.checks\[0\]\.type: a count check needs "type"/,
    ],
    [
      'bounds missing',
      { ...good, checks: [{ id: 'a', text: 't', kind: 'params' }] },
      /^lesson\.checks\[0\]\.min: a params check needs "min", "max" or both/,
    ],
    [
      'min above max',
      { ...good, checks: [{ id: 'a', text: 't', kind: 'params', min: 5, max: 2 }] },
      /^lesson\.checks\[0\]\.max: is 2, below min 5/,
    ],
    [
      'a bound that is text',
      { ...good, checks: [{ id: 'a', text: 't', kind: 'params', min: '5' }] },
      /^lesson\.checks\[0\]\.min: expected a number, got a string/,
    ],
    [
      'an unknown node type',
      { ...good, palette: ['conv2d', 'maxpool'] },
      /^lesson\.palette\[1\]: "maxpool" is not a node type; did you mean "maxPool2d"\?/,
    ],
    [
      'an unknown training field',
      { ...good, locked: { training: ['momentun'] } },
      /^lesson\.locked\.training\[0\]: "momentun" is not a training field; did you mean "momentum"\?/,
    ],
    [
      'two checks with one id',
      { ...good, checks: [good.checks[1], good.checks[1]] },
      /^lesson\.checks\[1\]\.id: a second check has the id "ok"/,
    ],
    [
      'a reserved id',
      { ...good, checks: [{ ...good.checks[1], id: 'locked' }] },
      /^lesson\.checks\[0\]\.id: "locked" is the grader's own row/,
    ],
    [
      'an id that cannot be a column',
      { ...good, checks: [{ ...good.checks[1], id: 'a,b' }] },
      /^lesson\.checks\[0\]\.id: expected an id of letters/,
    ],
    [
      'a bad output shape',
      { ...good, checks: [{ id: 'a', text: 't', kind: 'outputShape', value: [28, 0] }] },
      /^lesson\.checks\[0\]\.value: expected a shape/,
    ],
    [
      'a training check with nothing to compare',
      { ...good, checks: [{ id: 'a', text: 't', kind: 'training', field: 'momentum' }] },
      /^lesson\.checks\[0\]\.value: a training check needs "value"/,
    ],
    ['a bad run', { ...good, run: { epochs: 0 } }, /^lesson\.run\.epochs: /],
  ])('names the field of %s', (_what, lesson, message) => {
    const r = parseGraph(fileWith(lesson));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('lists what a lesson names that its graph lacks, while the file still opens', () => {
    const lesson = {
      ...good,
      locked: { nodes: ['in', 'gone'], params: { c1: ['filters', 'units'], c9: [] } },
      checks: [{ id: 'rf', text: 't', kind: 'receptiveField', node: 'p2', min: 3 }],
    };
    const r = parseGraph(fileWith(lesson));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(lessonProblems(r.doc)).toEqual([
      'lesson.locked.nodes[1]: there is no node "gone" in this graph',
      'lesson.locked.params.c1[1]: conv2d has no param "units" (it has filters, kernelSize, strides, padding, dilation, useBias, kernel, sigma, trainable)',
      'lesson.locked.params.c9: there is no node "c9" in this graph',
      'lesson.checks[0].node: there is no node "p2" in this graph',
    ]);
  });
});
