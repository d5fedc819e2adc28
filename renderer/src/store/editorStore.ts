/**
 * The editor's state: the document (the single source of truth), the selection, the undo and
 * redo stacks, and where the document lives on disk. Every change goes through `perform(action)`.
 * Vanilla zustand, so tests drive it without React; components use `useEditor`.
 */
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { DatasetInfo } from '../../../engine/check/dataset';
import type { GraphDoc } from '../../../engine/graph/types';
import { lockRefusal } from '../../../engine/lesson/locks';
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
  /** The lesson as opened: in student mode every edit, undo and redo is checked against its locks. */
  readonly lessonBase: GraphDoc | null;
  /** Instructor mode: locks are off and the lesson itself can be edited. */
  readonly instructor: boolean;
  /** The latest edit a lesson's lock refused (`seq` counts them, so the same reason twice shows twice). */
  readonly refusal: { readonly text: string; readonly seq: number } | null;
  /**
   * What is known of the dataset the graph trains on (graphDataset.ts keeps it up to date): the
   * checker holds the input and output against it. Null while unknown or unreadable.
   */
  readonly dataset: DatasetInfo | null;
  /** Why the dataset could not be read (the host's one line), when it could not. */
  readonly datasetProblem: string | null;
  /** The latest edit's notice (actions' `notice`), a new object each time so the same words show again. */
  readonly notice: { readonly text: string } | null;

  /**
   * Runs an edit. `coalesceKey` merges it with the previous edit of the same key into one undo
   * step (a field applied as you type, keyed by the field's editing session).
   */
  perform<A>(action: Action<A>, args: A, options?: { coalesceKey?: string }): Outcome;
  undo(): boolean;
  redo(): boolean;
  select(selection: Selection): void;
  /** After a save (or open): the current document is what is on disk at `path`. */
  markSaved(path: string | null): void;
  setClipboard(clip: Clip | null): void;
  /** Leaving instructor mode hands the lesson out as it is now: its locks hold from here. */
  setInstructor(on: boolean): void;
}

/**
 * Why a lesson's locks refuse going from `before` to `after` (student mode), or null. A move only
 * replaces the layout, which no lock covers: nothing to compare then.
 */
function lockGuard(s: EditorState, before: GraphDoc, after: GraphDoc): string | null {
  if (s.instructor || !s.lessonBase) return null;
  const same =
    after.nodes === before.nodes && after.edges === before.edges && after.training === before.training && after.lesson === before.lesson;
  return same ? null : lockRefusal(s.lessonBase, after);
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
    lessonBase: initial.lesson ? initial : null,
    instructor: false,
    refusal: null,
    notice: null,
    dataset: null,
    datasetProblem: null,

    perform(action, args, options) {
      const s = get();
      const refuse = (text: string) => {
        set({ lastError: text, refusal: { text, seq: (s.refusal?.seq ?? 0) + 1 } });
        return { error: text };
      };
      const performed = action.perform(s.doc, args, s.selection);
      const outcome = options?.coalesceKey && !('error' in performed) ? { ...performed, coalesceKey: options.coalesceKey } : performed;
      if ('error' in outcome) {
        set({ lastError: outcome.error });
        return outcome;
      }
      const selection = outcome.selection ?? pruneSelection(s.selection, outcome.doc);
      if (outcome.notice) set({ notice: { text: outcome.notice } });
      if (outcome.resetHistory) {
        const lessonBase = outcome.doc.lesson ? outcome.doc : null;
        set({ doc: outcome.doc, selection, past: [], future: [], coalesceKey: null, lastError: null, lessonBase, refusal: null });
        return outcome;
      }
      const refused = lockGuard(s, s.doc, outcome.doc);
      if (refused) return refuse(refused);
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
      const refused = lockGuard(s, s.doc, previous);
      if (refused) {
        set({ lastError: refused, refusal: { text: refused, seq: (s.refusal?.seq ?? 0) + 1 } });
        return false;
      }
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
      const refused = lockGuard(s, s.doc, next);
      if (refused) {
        set({ lastError: refused, refusal: { text: refused, seq: (s.refusal?.seq ?? 0) + 1 } });
        return false;
      }
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

    setInstructor(on) {
      const { doc } = get();
      set({ instructor: on, ...(on ? {} : { lessonBase: doc.lesson ? doc : null }) });
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
