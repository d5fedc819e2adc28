/** Keyboard shortcuts, mapped onto the same commands as the menus. Typing in a field is never hijacked. */
import type { MenuCommand } from '../../../electron/api/contract';
import { runCommand } from './commands';

interface Binding {
  readonly key: string;
  readonly mod?: boolean;
  readonly shift?: boolean;
  readonly command: MenuCommand;
}

/** Ctrl on Linux/Windows, ⌘ on macOS; shown in tooltips as "Ctrl". */
export const SHORTCUTS: readonly Binding[] = [
  { key: 'z', mod: true, command: 'undo' },
  { key: 'z', mod: true, shift: true, command: 'redo' },
  { key: 'y', mod: true, command: 'redo' },
  { key: 'c', mod: true, command: 'copy' },
  { key: 'x', mod: true, command: 'cut' },
  { key: 'v', mod: true, command: 'paste' },
  { key: 'a', mod: true, command: 'selectAll' },
  { key: 's', mod: true, command: 'save' },
  { key: 's', mod: true, shift: true, command: 'saveAs' },
  { key: 'o', mod: true, command: 'open' },
  { key: 'delete', command: 'delete' },
  { key: 'backspace', command: 'delete' },
  { key: 'f', command: 'zoomToFit' },
  { key: 'l', command: 'autoLayout' },
  { key: 'e', mod: true, command: 'toggleCode' },
];

function typingInField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || el.closest('.monaco-editor') !== null;
}

export function commandFor(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): MenuCommand | null {
  if (e.altKey) return null;
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  const hit = SHORTCUTS.find((b) => b.key === key && !!b.mod === mod && !!b.shift === e.shiftKey);
  return hit?.command ?? null;
}

export function installShortcuts(): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (typingInField(e.target)) return;
    const command = commandFor(e);
    if (!command) return;
    e.preventDefault();
    runCommand(command);
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
