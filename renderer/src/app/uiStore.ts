/** View state that is not part of the document: open panels, dialogs, notices, the summary's batch size. */
import { create } from 'zustand';
import type { CodeView } from '../code/CodePanel';
import { api, messageOf } from '../host/api';

export type SideTab = 'lesson' | 'inspect' | 'maps' | 'train' | 'code';

export interface Notice {
  readonly id: number;
  readonly text: string;
  readonly kind: 'info' | 'error';
}

export interface PathRequest {
  readonly mode: 'open' | 'save' | 'folder';
  readonly title: string;
  readonly defaultName?: string;
  /** The file endings listed (e.g. ['.json']); folders are always listed. Omitted: every file. */
  readonly accept?: readonly string[];
  readonly resolve: (path: string | null) => void;
}

/** What was right-clicked on the canvas, and where on screen the menu opens. */
export type ContextTarget =
  | { readonly kind: 'node'; readonly id: string }
  | { readonly kind: 'edge'; readonly source: string; readonly target: string; readonly at: { x: number; y: number } }
  | { readonly kind: 'pane'; readonly at: { x: number; y: number } };
export interface ContextMenuState {
  readonly screen: { readonly x: number; readonly y: number };
  /** `at`: where in the graph (flow coordinates) a layer added from the menu goes. */
  readonly target: ContextTarget;
}

interface UiState {
  readonly contextMenu: ContextMenuState | null;
  setContextMenu(menu: ContextMenuState | null): void;
  readonly tab: SideTab;
  readonly batchSize: number;
  readonly notices: readonly Notice[];
  readonly pathRequest: PathRequest | null;
  readonly galleryOpen: boolean;
  /** What the Code tab shows: the JSON, or one exporter's output. */
  readonly codeView: CodeView;
  setCodeView(view: CodeView): void;
  setTab(tab: SideTab): void;
  setBatchSize(n: number): void;
  notify(text: string, kind?: Notice['kind']): void;
  dismiss(id: number): void;
  setPathRequest(request: PathRequest | null): void;
  setGalleryOpen(open: boolean): void;
}

let nextNotice = 1;

export const useUi = create<UiState>()((set, get) => ({
  tab: 'inspect',
  contextMenu: null,
  setContextMenu: (contextMenu) => set({ contextMenu }),
  batchSize: 64,
  notices: [],
  pathRequest: null,
  galleryOpen: false,
  codeView: 'json',
  setCodeView: (codeView) => set({ codeView }),
  setTab: (tab) => set({ tab }),
  setBatchSize: (batchSize) => set({ batchSize }),
  notify(text, kind = 'info') {
    const id = nextNotice++;
    set({ notices: [...get().notices, { id, text, kind }].slice(-4) });
    setTimeout(() => get().dismiss(id), kind === 'error' ? 8000 : 4000);
  },
  dismiss: (id) => set({ notices: get().notices.filter((n) => n.id !== id) }),
  setPathRequest: (pathRequest) => set({ pathRequest }),
  setGalleryOpen: (galleryOpen) => set({ galleryOpen }),
}));

/**
 * Asks for a path with the in-page dialog (the web host has no native dialogs). The host only
 * serves paths the user chose, so the choice is handed to it (`file.allow`) before it is used; a
 * path it refuses (a system or hidden folder) is reported and comes back as null.
 */
export async function askForPath(
  mode: PathRequest['mode'],
  title: string,
  defaultName?: string,
  accept?: readonly string[],
): Promise<string | null> {
  const path = await new Promise<string | null>((resolve) =>
    useUi.getState().setPathRequest({ mode, title, defaultName, ...(accept ? { accept } : {}), resolve }),
  );
  return path === null ? null : allowPath(path, mode === 'folder' ? 'folder' : 'auto');
}

/** Hands a path the user typed or picked in the page to the host; null (after saying why) when it refuses. */
export async function allowPath(path: string, kind: 'file' | 'folder' | 'auto' = 'auto'): Promise<string | null> {
  try {
    const answer = await api().request('file.allow', { path, kind });
    return answer.allowed ? path : null;
  } catch (err) {
    useUi.getState().notify(messageOf(err), 'error');
    return null;
  }
}
