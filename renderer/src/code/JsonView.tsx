/**
 * The document as JSON in monaco. A valid edit replaces the document through the `editJson`
 * action (so it is undoable like any edit); an invalid one shows the parser's message and
 * changes nothing.
 */
import { useEffect, useRef, useState } from 'react';
import { serializeGraph } from '../../../engine/graph/load';
import type { GraphDoc } from '../../../engine/graph/types';
import { editJson } from '../store/actions';
import { editorStore } from '../store/editorStore';
import { monaco } from './monacoSetup';

const APPLY_AFTER_MS = 500;

export default function JsonView() {
  const host = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const store = editorStore();
    const editor = monaco.editor.create(host.current!, {
      value: serializeGraph(store.getState().doc),
      language: 'json',
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      tabSize: 2,
      scrollBeyondLastLine: false,
    });
    /** The document this editor's own text produced: no need to write it back (and lose the cursor). */
    let mine: GraphDoc | null = null;
    let applying = false;
    let timer = 0;
    const apply = () => {
      applying = true;
      const outcome = store.getState().perform(editJson, { text: editor.getValue() });
      applying = false;
      if ('error' in outcome) setError(outcome.error);
      else {
        setError(null);
        mine = store.getState().doc;
      }
    };
    const typing = editor.onDidChangeModelContent((e) => {
      if (e.isFlush) return; // our own setValue
      clearTimeout(timer);
      timer = window.setTimeout(apply, APPLY_AFTER_MS);
    });
    const unsubscribe = store.subscribe((s, prev) => {
      if (applying || s.doc === prev.doc || s.doc === mine) return;
      mine = null;
      editor.setValue(serializeGraph(s.doc));
      setError(null);
    });
    return () => {
      clearTimeout(timer);
      typing.dispose();
      unsubscribe();
      editor.dispose();
    };
  }, []);

  return (
    <div className="code-panel" data-testid="json-view">
      <div className={`code-status${error ? ' code-error' : ''}`} role={error ? 'alert' : undefined}>
        {error ? `Not applied: ${error}` : 'Edits apply to the canvas as you type (valid JSON only).'}
      </div>
      <div className="code-editor" ref={host} />
    </div>
  );
}
