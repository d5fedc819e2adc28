/**
 * Commands shared by keyboard shortcuts, the toolbar and the host's menus (`menu.command`):
 * one function per command, so all three do exactly the same thing.
 */
import type { MenuCommand } from '../../../electron/api/contract';
import { viewCentre, zoomToFit, zoomToFitSoon } from '../canvas/flowInstance';
import { NODE_SIZE, nodeRects } from '../layout/geometry';
import { autoLayout } from '../layout/autoLayout';
import { freeSpot } from '../layout/freeSpace';
import { importModelFile, newGraph, openGraph, saveGraph, saveGraphAs } from '../files/fileActions';
import { deleteElements, layoutGraph, paste } from '../store/actions';
import { copySelection } from '../store/clipboard';
import { editorStore } from '../store/editorStore';
import { useUi } from './uiStore';

function copy(): boolean {
  const s = editorStore().getState();
  const clip = copySelection(s.doc, s.selection.nodes);
  if (clip) s.setClipboard(clip);
  return clip !== null;
}

function pasteClipboard(): void {
  const s = editorStore().getState();
  if (!s.clipboard) return;
  // Next to the originals if they are in view, else in the middle of the view; never on other nodes.
  const spots = Object.values(s.clipboard.layout);
  const left = Math.min(...spots.map((p) => p.x));
  const top = Math.min(...spots.map((p) => p.y));
  const size = {
    width: Math.max(...spots.map((p) => p.x)) - left + NODE_SIZE.width,
    height: Math.max(...spots.map((p) => p.y)) - top + NODE_SIZE.height,
  };
  const centre = viewCentre();
  const near = Math.abs(left - centre.x) < 600 && Math.abs(top - centre.y) < 400;
  const want = near ? { x: left + 40, y: top + 40 } : centre;
  const at = freeSpot([...nodeRects(s.doc).values()], want, size);
  s.perform(paste, { clip: s.clipboard, offset: { x: at.x - left, y: at.y - top } });
}

function deleteSelection(): void {
  const s = editorStore().getState();
  s.perform(deleteElements, { nodes: s.selection.nodes, edges: s.selection.edges });
}

async function layOut(): Promise<void> {
  try {
    const positions = await autoLayout(editorStore().getState().doc);
    editorStore().getState().perform(layoutGraph, { positions });
    zoomToFitSoon();
  } catch (err) {
    useUi.getState().notify(`Auto-layout failed: ${(err as Error).message}`, 'error');
  }
}

export const COMMANDS: Record<MenuCommand, () => void> = {
  new: newGraph,
  open: () => void openGraph(),
  import: () => void importModelFile(),
  save: () => void saveGraph(),
  saveAs: () => void saveGraphAs(),
  export: () => {
    // The Code tab shows each export and has "Export files…"; open it on the last target used.
    const ui = useUi.getState();
    if (ui.codeView === 'json') ui.setCodeView('pytorch');
    ui.setTab('code');
  },
  undo: () => editorStore().getState().undo(),
  redo: () => editorStore().getState().redo(),
  cut: () => {
    if (copy()) deleteSelection();
  },
  copy: () => void copy(),
  paste: pasteClipboard,
  selectAll: () => {
    const s = editorStore().getState();
    s.select({ nodes: s.doc.nodes.map((n) => n.id), edges: [] });
  },
  delete: deleteSelection,
  zoomToFit: () => zoomToFit(),
  autoLayout: () => void layOut(),
  toggleCode: () => {
    const ui = useUi.getState();
    ui.setTab(ui.tab === 'code' ? 'inspect' : 'code');
  },
};

export function runCommand(command: MenuCommand): void {
  COMMANDS[command]();
}
