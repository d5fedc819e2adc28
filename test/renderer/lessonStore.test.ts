import { readFileSync } from 'node:fs';
import { renderToStaticMarkup } from 'react-dom/server';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { parseGraph, serializeGraph } from '../../engine/graph/load';
import type { GraphDoc } from '../../engine/graph/types';
import { LessonMarkdown } from '../../renderer/src/lesson/LessonMarkdown';
import { addCheck, createLesson, removeCheck, toggleNodeLock, toggleParamLock } from '../../renderer/src/lesson/lessonActions';
import * as A from '../../renderer/src/store/actions';
import { copySelection } from '../../renderer/src/store/clipboard';
import { createEditorStore } from '../../renderer/src/store/editorStore';

const lessonDoc = (): GraphDoc => {
  const r = parseGraph(readFileSync('lessons/receptive-field.json', 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};

function student() {
  const store = createEditorStore(lessonDoc());
  return { store, state: () => store.getState(), perform: <Args>(a: A.Action<Args>, args: Args) => store.getState().perform(a, args) };
}

describe('a lesson’s locks in the editor store (student mode)', () => {
  it('refuses deleting, editing or rewiring a locked node, and says why; the document stays', () => {
    const { state, perform } = student();
    const before = state().doc;
    expect(perform(A.deleteElements, { nodes: ['in'], edges: [] })).toEqual({ error: 'in is locked by the lesson: it cannot be deleted' });
    expect(perform(A.setParam, { nodeId: 'out', name: 'units', value: 12 })).toEqual({
      error: 'out is locked by the lesson: its units cannot change',
    });
    expect(perform(A.deleteElements, { nodes: [], edges: [A.edgeKey('out', 'prob')] })).toEqual({
      error: 'out → prob joins two locked nodes: it cannot be removed',
    });
    expect(perform(A.setLabel, { nodeId: 'in', label: 'Digits' })).toEqual({ error: 'in is locked by the lesson: it cannot be renamed' });
    expect(state().doc).toBe(before);
    expect(state().refusal).toEqual({ text: 'in is locked by the lesson: it cannot be renamed', seq: 4 });
  });

  it('refuses locked params, palette violations by paste, and edits in the JSON view that break a lock or the lesson', () => {
    const { state, perform } = student();
    expect(perform(A.setParam, { nodeId: 'c1', name: 'filters', value: 16 })).toEqual({ error: "the lesson locks c1's filters at 8" });
    const clip = copySelection(state().doc, ['flat'])!;
    expect(perform(A.paste, { clip, offset: { x: 40, y: 40 } })).toEqual({
      error: 'this lesson does not use flatten; its palette is conv2d, maxPool2d, relu',
    });
    const doc = state().doc;
    const unlocked = { ...doc, lesson: { ...doc.lesson!, locked: {} } };
    expect(perform(A.editJson, { text: serializeGraph(unlocked) })).toEqual({
      error: 'the lesson itself can be changed only in instructor mode',
    });
    const wider = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'out' ? { ...n, params: { units: 20 } } : n)) };
    expect(perform(A.editJson, { text: serializeGraph(wider) })).toEqual({ error: 'out is locked by the lesson: its units cannot change' });
    expect(perform(A.addNode, { type: 'dropout', position: { x: 0, y: 0 } })).toEqual({
      error: 'this lesson does not use dropout; its palette is conv2d, maxPool2d, relu',
    });
    expect(state().doc).toBe(doc);
  });

  it('lets the student do the exercise: free params, palette layers, moves; undo and redo of them', () => {
    const { state, perform } = student();
    const before = state().doc;
    expect('error' in perform(A.setParam, { nodeId: 'c1', name: 'kernelSize', value: 5 })).toBe(false);
    expect('error' in perform(A.addNode, { type: 'relu', position: { x: 0, y: 0 } })).toBe(false);
    expect('error' in perform(A.moveNodes, { positions: { in: { x: 500, y: 0 } } })).toBe(false);
    expect('error' in perform(A.deleteElements, { nodes: ['r1'], edges: [] })).toBe(false);
    expect(state().undo()).toBe(true);
    expect(state().undo() && state().undo() && state().undo()).toBe(true);
    expect(state().doc).toBe(before);
    expect(state().redo()).toBe(true);
  });

  it('instructor mode turns locks off and edits the lesson; back in student mode the new locks hold, and undoing them is refused', () => {
    const { state, perform } = student();
    expect(perform(toggleNodeLock, { nodeId: 'r1' })).toEqual({ error: 'the lesson itself can be changed only in instructor mode' });
    state().setInstructor(true);
    expect('error' in perform(A.setParam, { nodeId: 'c1', name: 'filters', value: 4 })).toBe(false);
    expect('error' in perform(toggleNodeLock, { nodeId: 'r1' })).toBe(false);
    expect('error' in perform(toggleParamLock, { nodeId: 'c2', name: 'kernelSize' })).toBe(false);
    expect(perform(addCheck, { check: { id: 'relus', text: 'ReLUs', points: 1, kind: 'count', type: 'relu' } })).toEqual({
      error: 'lesson.checks[4].min: a count check needs "min", "max" or both',
    });
    expect('error' in perform(addCheck, { check: { id: 'relus', text: 'ReLUs', points: 1, kind: 'count', type: 'relu', min: 2 } })).toBe(
      false,
    );
    expect(state().doc.lesson?.locked).toMatchObject({
      nodes: ['in', 'flat', 'out', 'prob', 'r1'],
      params: { c2: ['filters', 'strides', 'dilation', 'kernelSize'] },
    });
    state().setInstructor(false);
    expect(perform(A.deleteElements, { nodes: ['r1'], edges: [] })).toEqual({ error: 'r1 is locked by the lesson: it cannot be deleted' });
    expect(perform(A.setParam, { nodeId: 'c2', name: 'kernelSize', value: 7 })).toEqual({ error: "the lesson locks c2's kernelSize at 3" });
    expect(state().undo()).toBe(false);
    expect(state().refusal?.text).toBe('the lesson itself can be changed only in instructor mode');
    state().setInstructor(true);
    expect('error' in perform(removeCheck, { id: 'relus' })).toBe(false);
  });

  it('a document without a lesson has no locks; a lesson made in instructor mode holds once handed out', () => {
    const store = createEditorStore(lessonDoc());
    store.getState().perform(A.loadDocument, { doc: { ...lessonDoc(), lesson: undefined } });
    expect(store.getState().lessonBase).toBeNull();
    expect('error' in store.getState().perform(A.setLabel, { nodeId: 'in', label: 'Digits' })).toBe(false);
    store.getState().setInstructor(true);
    expect('error' in store.getState().perform(createLesson, {})).toBe(false);
    expect(store.getState().doc.lesson?.checks.map((c) => c.kind)).toEqual(['valid']);
    expect('error' in store.getState().perform(toggleNodeLock, { nodeId: 'in' })).toBe(false);
    store.getState().setInstructor(false);
    expect(store.getState().lessonBase).toBe(store.getState().doc);
    expect(store.getState().perform(A.deleteElements, { nodes: ['in'], edges: [] })).toEqual({
      error: 'in is locked by the lesson: it cannot be deleted',
    });
  });
});

describe('lesson Markdown', () => {
  it('renders no raw HTML, drops script links and images, and opens web links outside', () => {
    const html = renderToStaticMarkup(
      createElement(LessonMarkdown, {
        text: '**K+P−1** <img src=x onerror="alert(1)"> <script>alert(2)</script> [bad](javascript:alert(3)) ![pic](https://tracker.example/p.png) [ok](https://example.org)',
      }),
    );
    expect(html).toContain('<strong>K+P−1</strong>');
    expect(html).not.toMatch(/<img|<script|javascript:|tracker\.example/);
    expect(html).toContain('<a href="https://example.org" target="_blank" rel="noopener noreferrer"');
    expect(html).toContain('<span class="lesson-dead-link" title="Only web links open from a lesson">bad</span>');
  });
});
