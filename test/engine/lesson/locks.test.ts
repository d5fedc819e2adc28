import { describe, expect, it } from 'vitest';
import * as edits from '../../../engine/graph/edits';
import type { GraphDoc } from '../../../engine/graph/types';
import { lockRefusal, lockViolations, type Lesson } from '../../../engine/lesson';
import { chain } from '../../helpers/graphs';

const lesson: Lesson = {
  title: 'Locks',
  instructions: '',
  locked: { nodes: ['in', 'out', 'prob'], params: { c1: ['filters'], p1: [] }, training: ['optimizer', 'epochs'] },
  palette: ['conv2d', 'relu', 'maxPool2d'],
  checks: [],
};

const base: GraphDoc = {
  ...chain(
    ['in', 'input', { shape: [28, 28, 1] }],
    ['c1', 'conv2d', { filters: 6, kernelSize: 5 }],
    ['r1', 'relu'],
    ['p1', 'maxPool2d'],
    ['flat', 'flatten'],
    ['out', 'dense', { units: 10 }],
    ['prob', 'softmax'],
  ),
  training: { optimizer: 'sgd', learningRate: 0.01 },
  lesson,
};

const refusal = (after: GraphDoc) => lockRefusal(base, after);

/** setParam that must succeed. */
function set(doc: GraphDoc, id: string, name: string, value: unknown): GraphDoc {
  const r = edits.setParam(doc, id, name, value);
  if ('error' in r) throw new Error(r.error);
  return r.doc;
}

describe('lesson locks', () => {
  it('allow what the lesson leaves free: unlocked params, new palette nodes, moving, rewiring unlocked nodes, free training fields', () => {
    expect(refusal(base)).toBeNull();
    expect(refusal(set(base, 'c1', 'kernelSize', 7))).toBeNull();
    expect(refusal(edits.addNode(base, 'conv2d', { x: 0, y: 0 }).doc)).toBeNull();
    expect(refusal(edits.moveNodes(base, { in: { x: 400, y: 9 } }))).toBeNull();
    expect(refusal(edits.disconnect(base, 'flat', 'out'))).toBeNull(); // an unlocked node feeding a locked one
    expect(refusal({ ...base, training: { ...base.training, learningRate: 0.1 } })).toBeNull();
    expect(refusal(set(base, 'p1', 'poolSize', 3))).toBeNull();
  });

  it('refuses deleting, editing, renaming or retyping a locked node, with a one-line reason', () => {
    expect(refusal(edits.removeNodes(base, ['in']))).toBe('in is locked by the lesson: it cannot be deleted');
    expect(refusal(set(base, 'out', 'units', 12))).toBe('out is locked by the lesson: its units cannot change');
    expect(refusal(edits.setLabel(base, 'out', 'Scores'))).toBe('out is locked by the lesson: it cannot be renamed');
    const retyped = { ...base, nodes: base.nodes.map((n) => (n.id === 'prob' ? { ...n, type: 'sigmoid' } : n)) };
    expect(refusal(retyped)).toBe('prob is locked by the lesson: it cannot be changed');
  });

  it('refuses rewiring between locked nodes, and counts a default written out as no change', () => {
    expect(refusal(edits.disconnect(base, 'out', 'prob'))).toBe('out → prob joins two locked nodes: it cannot be removed');
    expect(refusal(edits.connect(base, 'in', 'out'))).toBe('in and out are locked by the lesson: they cannot be rewired');
    expect(lockViolations(base, set(base, 'c1', 'strides', 1), lesson)).toEqual([]);
    expect(lockViolations(base, set(base, 'out', 'useBias', true), lesson)).toEqual([]);
  });

  it('refuses changing a locked param, deleting a node with locked params, and changing locked training fields', () => {
    expect(refusal(set(base, 'c1', 'filters', 16))).toBe("the lesson locks c1's filters at 6");
    expect(refusal(edits.removeNodes(base, ['p1']))).toBe("the lesson locks p1's place: it cannot be deleted");
    expect(refusal({ ...base, training: { ...base.training, optimizer: 'adam' } })).toBe(
      'the lesson locks the training setting "optimizer" at "sgd"',
    );
    // epochs is not written in the lesson: its default (3) is what is locked
    expect(refusal({ ...base, training: { ...base.training, epochs: 30 } })).toBe('the lesson locks the training setting "epochs" at 3');
  });

  it('refuses node types outside the palette, but keeps those the lesson came with', () => {
    expect(refusal(edits.addNode(base, 'dropout', { x: 0, y: 0 }).doc)).toBe(
      'this lesson does not use dropout; its palette is conv2d, relu, maxPool2d',
    );
    // flatten is not in the palette but was handed out: deleting it and undoing brings it back
    const without = edits.removeNodes(base, ['flat']);
    expect(refusal(without)).toBeNull();
    expect(lockRefusal(base, base)).toBeNull();
    // pasting a copy of it makes a new flatten: refused
    const copy = edits.addNode(base, 'flatten', { x: 0, y: 0 }, {}, 'flatten1').doc;
    expect(refusal(copy)).toBe('this lesson does not use flatten; its palette is conv2d, relu, maxPool2d');
  });

  it('refuses any change to the lesson itself', () => {
    const unlocked = { ...base, lesson: { ...lesson, locked: {} } };
    expect(refusal(unlocked)).toBe('the lesson itself can be changed only in instructor mode');
    expect(lockRefusal({ ...base, lesson: undefined }, edits.removeNodes(base, ['in']))).toBeNull();
  });

  it('describes each change for a gradebook', () => {
    const tampered = edits.removeNodes({ ...set(base, 'c1', 'filters', 16), training: { optimizer: 'adam' } }, ['in']);
    expect(lockViolations(base, tampered, lesson).map((v) => v.found)).toEqual([
      'in was deleted, but the lesson locks it',
      'c1.filters was changed from 6 to 16, but the lesson locks it',
      'training.optimizer was changed from "sgd" to "adam", but the lesson locks it',
    ]);
  });
});
