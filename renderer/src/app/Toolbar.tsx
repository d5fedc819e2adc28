/** File and edit commands as buttons, with their shortcuts in the tooltips. */
import { useEditor, isDirty } from '../store/editorStore';
import { runCommand } from './commands';
import { useUi } from './uiStore';
import type { MenuCommand } from '../../../electron/api/contract';

const BUTTONS: { command: MenuCommand; label: string; hint: string }[] = [
  { command: 'new', label: 'New', hint: 'New graph' },
  { command: 'open', label: 'Open…', hint: 'Open a graph (Ctrl+O)' },
  { command: 'import', label: 'Import…', hint: 'Import an ONNX model or a Keras model JSON as a new graph' },
  { command: 'save', label: 'Save', hint: 'Save (Ctrl+S)' },
  { command: 'saveAs', label: 'Save as…', hint: 'Save as (Ctrl+Shift+S)' },
];
const EDIT: { command: MenuCommand; label: string; hint: string }[] = [
  { command: 'undo', label: '↶', hint: 'Undo (Ctrl+Z)' },
  { command: 'redo', label: '↷', hint: 'Redo (Ctrl+Shift+Z or Ctrl+Y)' },
  { command: 'delete', label: 'Delete', hint: 'Delete the selection (Del)' },
  { command: 'autoLayout', label: 'Auto-layout', hint: 'Arrange the graph top to bottom (L)' },
  { command: 'zoomToFit', label: 'Fit', hint: 'Zoom to fit (F)' },
];

export function Toolbar() {
  const name = useEditor((s) => s.doc.name);
  const dirty = useEditor(isDirty);
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const button = (b: (typeof BUTTONS)[number]) => (
    <button
      key={b.command}
      title={b.hint}
      data-testid={`cmd-${b.command}`}
      disabled={(b.command === 'undo' && !canUndo) || (b.command === 'redo' && !canRedo)}
      onClick={() => runCommand(b.command)}
    >
      {b.label}
    </button>
  );
  return (
    <header className="toolbar">
      <div className="brand">
        <span className="logo">◆</span> NetCanvas
      </div>
      <div className="toolbar-group">
        {BUTTONS.map(button)}
        <button data-testid="cmd-templates" onClick={() => useUi.getState().setGalleryOpen(true)}>
          Templates &amp; lessons
        </button>
      </div>
      <div className="toolbar-group">{EDIT.map(button)}</div>
      <div className="doc-name" data-testid="doc-name">
        {name}
        {dirty && (
          <span className="dirty-dot" title="Unsaved changes">
            {' '}
            ●
          </span>
        )}
      </div>
    </header>
  );
}
