/**
 * The editor's state: the document (the single source of truth), the selection, the undo and
 * redo stacks, and where the document lives on disk. Every change goes through `perform(action)`.
 * Vanilla zustand, so tests drive it without React; components use `useEditor`.
 */
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { GraphDoc } from '../../../engine/graph/types';
import { NO_SELECTION, type Action, type Outcome, type Selection } from './actions';
import type { Clip } from './clipboard';

/** Enough for a long session; older steps fall off. */
const HISTORY_LIMIT = 200;

export interface EditorState {
  readonly doc: GraphDoc;
  readonly selection: Selection;
  readonly past: readonly GraphDoc[];
  readonly future: readonly GraphDoc[];
  /** Key of the latest change if it may absorb the next one (a drag in progress). */
  readonly coalesceKey: string | null;
  /** The document as last saved or opened; `doc !== savedDoc` means unsaved changes. */
  readonly savedDoc: GraphDoc;
  readonly filePath: string | null;
  readonly clipboard: Clip | null;
  /** The latest refused edit, shown until the next successful one. */
  readonly lastError: string | null;

  perform<A>(action: Action<A>, args: A): Outcome;
  undo(): boolean;
  redo(): boolean;
  select(selection: Selection): void;
  /** After a save (or open): the current document is what is on disk at `path`. */
  markSaved(path: string | null): void;
  setClipboard(clip: Clip | null): void;
}

export function createEditorStore(initial: GraphDoc) {
  return createStore<EditorState>()((set, get) => ({
    doc: initial,
    selection: NO_SELECTION,
    past: [],
    future: [],
    coalesceKey: null,
    savedDoc: initial,
    filePath: null,
    clipboard: null,
    lastError: null,

    perform(action, args) {
      const s = get();
      const outcome = action.perform(s.doc, args, s.selection);
      if ('error' in outcome) {
        set({ lastError: outcome.error });
        return outcome;
      }
      const selection = outcome.selection ?? pruneSelection(s.selection, outcome.doc);
      if (outcome.resetHistory) {
        set({ doc: outcome.doc, selection, past: [], future: [], coalesceKey: null, lastError: null });
        return outcome;
      }
      if (!outcome.undoable) {
        set({ doc: outcome.doc, selection, lastError: null });
        return outcome;
      }
      const merges = outcome.coalesceKey !== undefined && outcome.coalesceKey === s.coalesceKey;
      const past = merges ? s.past : [...s.past, s.doc].slice(-HISTORY_LIMIT);
      set({ doc: outcome.doc, selection, past, future: [], coalesceKey: outcome.coalesceKey ?? null, lastError: null });
      return outcome;
    },

    undo() {
      const s = get();
      const previous = s.past[s.past.length - 1];
      if (!previous) return false;
      set({
        doc: previous,
        past: s.past.slice(0, -1),
        future: [s.doc, ...s.future],
        coalesceKey: null,
        selection: pruneSelection(s.selection, previous),
        lastError: null,
      });
      return true;
    },

    redo() {
      const s = get();
      const next = s.future[0];
      if (!next) return false;
      set({
        doc: next,
        past: [...s.past, s.doc],
        future: s.future.slice(1),
        coalesceKey: null,
        selection: pruneSelection(s.selection, next),
        lastError: null,
      });
      return true;
    },

    select(selection) {
      // A new selection ends a drag's coalescing so the next drag is its own undo step.
      set({ selection, coalesceKey: null });
    },

    markSaved(path) {
      set({ savedDoc: get().doc, filePath: path });
    },

    setClipboard(clip) {
      set({ clipboard: clip });
    },
  }));
}

/** Drops selected ids that no longer exist. */
function pruneSelection(selection: Selection, doc: GraphDoc): Selection {
  if (selection.nodes.length === 0 && selection.edges.length === 0) return selection;
  const ids = new Set(doc.nodes.map((n) => n.id));
  const keys = new Set(doc.edges.map((e) => `${e.source}->${e.target}`));
  const nodes = selection.nodes.filter((id) => ids.has(id));
  const edges = selection.edges.filter((k) => keys.has(k));
  return nodes.length === selection.nodes.length && edges.length === selection.edges.length ? selection : { nodes, edges };
}

export type EditorStore = ReturnType<typeof createEditorStore>;

/** Set once at start-up (main.tsx) with the default document; the app has one editor. */
let appStore: EditorStore | null = null;
export function installEditorStore(store: EditorStore): EditorStore {
  appStore = store;
  return store;
}
export function editorStore(): EditorStore {
  if (!appStore) throw new Error('the editor store is used before start-up installed it');
  return appStore;
}

export function useEditor<T>(selector: (s: EditorState) => T): T {
  return useStore(editorStore(), selector);
}

export const isDirty = (s: EditorState): boolean => s.doc !== s.savedDoc;
