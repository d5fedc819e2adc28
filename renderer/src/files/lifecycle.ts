/**
 * The document's life outside the canvas: the window title, the unsaved-changes guard on leaving,
 * a recovery copy every few seconds while there are unsaved changes, and host requests to open a file.
 */
import { serializeGraph } from '../../../engine/graph/load';
import type { GraphDoc } from '../../../engine/graph/types';
import { api } from '../host/api';
import { editorStore, isDirty } from '../store/editorStore';
import { confirmDiscard, openPath } from './fileActions';

const AUTOSAVE_MS = 5000;

function titleOf(doc: GraphDoc, path: string | null, dirty: boolean): string {
  const file = path ? path.split(/[\\/]/).pop() : doc.name;
  return `${dirty ? '● ' : ''}${file} — NetCanvas`;
}

export function installLifecycle(): () => void {
  const store = editorStore();
  let lastTitle = '';
  const syncTitle = () => {
    const s = store.getState();
    const title = titleOf(s.doc, s.filePath, isDirty(s));
    if (title === lastTitle) return;
    lastTitle = title;
    document.title = title;
    void api()
      .request('window.setTitle', { title, dirty: isDirty(s) })
      .catch(() => {});
  };
  syncTitle();
  const unsubscribe = store.subscribe(syncTitle);

  const beforeUnload = (e: BeforeUnloadEvent) => {
    if (!isDirty(store.getState())) return;
    e.preventDefault();
    e.returnValue = '';
  };
  window.addEventListener('beforeunload', beforeUnload);

  let recovered: GraphDoc | null = null;
  const autosave = window.setInterval(() => {
    const s = store.getState();
    if (!isDirty(s) || s.doc === recovered) return;
    recovered = s.doc;
    void api()
      .request('recovery.save', { text: serializeGraph(s.doc), path: s.filePath })
      .catch(() => {});
  }, AUTOSAVE_MS);

  const offOpen = api().on('file.openRequested', ({ path }) => {
    if (confirmDiscard()) void openPath(path);
  });

  return () => {
    unsubscribe();
    offOpen();
    window.removeEventListener('beforeunload', beforeUnload);
    clearInterval(autosave);
  };
}
