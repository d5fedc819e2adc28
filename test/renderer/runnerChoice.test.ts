/** The training panel's runner choice: saved in the graph's training block (undoable), sent with train.start. */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NetCanvasApi } from '../../electron/api/contract';
import { parseGraph } from '../../engine/graph/load';
import { setTraining } from '../../renderer/src/store/actions';
import { createEditorStore, installEditorStore } from '../../renderer/src/store/editorStore';
import { startTraining } from '../../renderer/src/training/trainActions';

const mlp = (() => {
  const r = parseGraph(readFileSync('templates/mlp.json', 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
})();

function fakeHost() {
  const request = vi.fn(async () => ({ runId: 'run-1' }));
  (globalThis as { window?: unknown }).window = { netcanvas: { request, on: () => () => {} } as unknown as NetCanvasApi };
  return request;
}

afterEach(() => {
  delete (globalThis as { window?: unknown }).window;
});

describe('runner choice', () => {
  it('is part of the training settings: undoable, validated, and sent with train.start', async () => {
    const request = fakeHost();
    const store = installEditorStore(createEditorStore(mlp));
    await startTraining({ source: 'embedded:mnist', limit: 100 });
    expect(request).toHaveBeenLastCalledWith('train.start', expect.not.objectContaining({ runner: expect.anything() }));

    expect(store.getState().perform(setTraining, { patch: { runner: 'pytorch' } })).not.toHaveProperty('error');
    expect(store.getState().doc.training).toMatchObject({ runner: 'pytorch' });
    await startTraining({ source: 'embedded:mnist', limit: 100 });
    expect(request).toHaveBeenLastCalledWith(
      'train.start',
      expect.objectContaining({ runner: 'pytorch', dataset: { source: 'embedded:mnist', limit: 100 } }),
    );

    expect(store.getState().perform(setTraining, { patch: { runner: 'keras' } })).toMatchObject({
      error: expect.stringContaining('training.runner'),
    });
    store.getState().undo();
    expect(store.getState().doc.training).not.toHaveProperty('runner');
  });
});
