/**
 * The desktop's native parts of the API: open/save dialogs, the window title with its unsaved
 * mark, and the prompt when closing a window with unsaved changes. Electron objects come in.
 */
import type { BrowserWindow, Dialog, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { OpenDialogKind } from '../api/contract';
import type { EventSink, ShellService } from '../services/types';

type DialogLike = Pick<Dialog, 'showOpenDialog' | 'showSaveDialog' | 'showMessageBox' | 'showMessageBoxSync'>;

/** Events for one window's page; the id says which window a request came from. */
export interface WindowSink extends EventSink {
  readonly webContentsId: number;
}

const GRAPH_FILTERS = [
  { name: 'NetCanvas graph', extensions: ['json'] },
  { name: 'All files', extensions: ['*'] },
];

export function openDialogOptions(kind: OpenDialogKind): OpenDialogOptions {
  switch (kind) {
    case 'graph':
      return { title: 'Open a graph', properties: ['openFile'], filters: GRAPH_FILTERS };
    case 'dataset-file':
      return {
        title: 'Choose a dataset file',
        properties: ['openFile'],
        filters: [
          { name: 'Datasets', extensions: ['csv', 'gz', 'idx', 'ubyte', 'bin'] },
          { name: 'All files', extensions: ['*'] },
        ],
      };
    case 'dataset-folder':
      return { title: 'Choose a dataset folder', properties: ['openDirectory'] };
    case 'checkpoint':
      return { title: 'Choose trained weights', properties: ['openFile'], filters: [{ name: 'NetCanvas weights', extensions: ['json'] }] };
    case 'model':
      return {
        title: 'Import a model',
        properties: ['openFile'],
        filters: [
          { name: 'ONNX or Keras model JSON', extensions: ['onnx', 'json'] },
          { name: 'All files', extensions: ['*'] },
        ],
      };
  }
}

export function saveDialogOptions(defaultName: string, kind: 'graph' | 'export'): SaveDialogOptions {
  return kind === 'graph'
    ? {
        title: 'Save the graph',
        defaultPath: defaultName,
        filters: GRAPH_FILTERS,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      }
    : { title: 'Export', defaultPath: defaultName, properties: ['createDirectory', 'showOverwriteConfirmation'] };
}

export interface DesktopShell extends ShellService {
  /** The last dirty flag the renderer reported for a window. */
  isDirty(webContentsId: number): boolean;
}

/** @param windowFor the window showing a webContents (null once it is closed) */
export function createDesktopShell(dialog: DialogLike, windowFor: (webContentsId: number) => BrowserWindow | null): DesktopShell {
  const dirty = new Map<number, boolean>();
  const idOf = (sender: EventSink) => (sender as WindowSink).webContentsId;
  return {
    async openDialog(kind, sender) {
      const win = windowFor(idOf(sender));
      const options = openDialogOptions(kind);
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return { path: result.canceled ? null : (result.filePaths[0] ?? null) };
    },
    async saveDialog(defaultName, kind, sender) {
      const win = windowFor(idOf(sender));
      const options = saveDialogOptions(defaultName, kind);
      const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return { path: result.canceled || !result.filePath ? null : result.filePath };
    },
    setTitle(title, isDirtyNow, sender) {
      dirty.set(idOf(sender), isDirtyNow);
      const win = windowFor(idOf(sender));
      win?.setTitle(title);
      // macOS shows the unsaved dot in the close button.
      win?.setDocumentEdited?.(isDirtyNow);
    },
    isDirty: (id) => dirty.get(id) ?? false,
    // The page cannot be trusted to say the user chose a path; a native question can.
    async confirmAccess(path, purpose, sender) {
      const win = windowFor(idOf(sender));
      const options = {
        type: 'question' as const,
        title: 'Allow access?',
        message: `Allow NetCanvas to use ${path}?`,
        detail: `${purpose} NetCanvas only reads and writes the files and folders you choose.`,
        buttons: ['Cancel', 'Allow'],
        defaultId: 1,
        cancelId: 0,
        noLink: true,
      };
      const { response } = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
      return response === 1;
    },
  };
}

/**
 * Asks before a window with unsaved changes closes. Returns true when it may close now.
 * "Close without saving" is the user's decision: the caller then clears the recovery copy.
 */
export async function confirmClose(dialog: DialogLike, win: BrowserWindow, documentName: string): Promise<boolean> {
  const { response } = await dialog.showMessageBox(win, {
    type: 'warning',
    title: 'Unsaved changes',
    message: `“${documentName}” has unsaved changes.`,
    detail: 'If you close now, the changes since your last save are lost.',
    buttons: ['Cancel', 'Close Without Saving'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  });
  return response === 1;
}

/**
 * The page refused to unload (its beforeunload guard: unsaved changes) on a reload or a close the
 * `close` prompt did not see. Electron needs the answer synchronously here.
 */
export function confirmLeaveSync(dialog: DialogLike, win: BrowserWindow): boolean {
  const response = dialog.showMessageBoxSync(win, {
    type: 'warning',
    title: 'Unsaved changes',
    message: 'This graph has unsaved changes.',
    detail: 'If you leave now, the changes since your last save are lost.',
    buttons: ['Stay', 'Leave Without Saving'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  });
  return response === 1;
}

/** The file the OS asked us to open, from a command line (`netcanvas graph.json`), if any. */
export function fileArgument(argv: readonly string[]): string | null {
  // argv[0] is the executable; in development argv[1] is the app folder. Flags are Chromium's.
  const candidates = argv.slice(1).filter((a) => !a.startsWith('-') && /\.json$/i.test(a));
  return candidates.at(-1) ?? null;
}
