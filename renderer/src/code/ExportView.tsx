/**
 * One exporter's output for the current graph, read-only, refreshed (debounced) as the graph
 * changes. The host runs the exporters, so the page never bundles them; a graph with errors
 * shows the exporter's refusal instead of stale code.
 */
import { useEffect, useRef, useState } from 'react';
import type { ExportedFile, ExportTarget, ExportWeights } from '../../../electron/api/contract';
import { api, messageOf } from '../host/api';
import { editorStore } from '../store/editorStore';
import { useTraining } from '../training/trainingStore';
import { exportRunId, weightsLabel } from './exportWeights';
import { monaco } from './monacoSetup';

const REFRESH_AFTER_MS = 400;

function languageOf(name: string): string {
  if (name.endsWith('.py')) return 'python';
  if (name.endsWith('.ts')) return 'typescript';
  if (name.endsWith('.json')) return 'json';
  return 'plaintext';
}

/** Binary files (ONNX) are described rather than shown. */
function textOf(file: ExportedFile): string {
  if (file.encoding !== 'base64') return file.text;
  const bytes = Math.floor((file.text.length * 3) / 4);
  return `${file.name}: a binary file of about ${bytes.toLocaleString('en-US')} bytes.\nUse "Export files…" to write it, then open it with onnxruntime or Netron.`;
}

export default function ExportView({ target }: { target: ExportTarget }) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const [files, setFiles] = useState<ExportedFile[]>([]);
  const [chosen, setChosen] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [weights, setWeights] = useState<ExportWeights | null>(null);
  // A run finishing (or another made active) changes the weights the export carries.
  const runId = useTraining((s) => exportRunId(s));

  useEffect(() => {
    const ed = monaco.editor.create(host.current!, {
      value: '',
      readOnly: true,
      wordWrap: 'on',
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      scrollBeyondLastLine: false,
    });
    editor.current = ed;
    return () => ed.dispose();
  }, []);

  useEffect(() => {
    const store = editorStore();
    let timer = 0;
    let latest = 0;
    const refresh = () => {
      const ticket = ++latest;
      api()
        .request('export.code', { graph: store.getState().doc as unknown as Record<string, unknown>, target, ...(runId ? { runId } : {}) })
        .then(
          (r) => {
            if (ticket !== latest) return; // a newer graph is already on its way
            setFiles(r.files);
            setWeights(r.weights);
            setError(null);
          },
          (err) => ticket === latest && setError(messageOf(err)),
        );
    };
    refresh();
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.doc === prev.doc) return;
      clearTimeout(timer);
      timer = window.setTimeout(refresh, REFRESH_AFTER_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [target, runId]);

  const file = files[Math.min(chosen, files.length - 1)];
  useEffect(() => {
    const ed = editor.current;
    if (!ed || !file) return;
    const model = ed.getModel();
    if (model) monaco.editor.setModelLanguage(model, languageOf(file.name));
    ed.setValue(textOf(file));
  }, [file]);

  return (
    <div className="code-panel" data-testid="export-view">
      <div className={`code-status${error ? ' code-error' : ''}`} role={error ? 'alert' : undefined}>
        {error ?? (
          <span className="export-files">
            {files.map((f, i) => (
              <button key={f.name} className={i === chosen ? 'active' : ''} onClick={() => setChosen(i)}>
                {f.name}
              </button>
            ))}
            {weights && (
              <span className="export-weights muted" data-testid="export-weights" title={weightsLabel(weights)}>
                weights.json: {weightsLabel(weights)}
              </span>
            )}
          </span>
        )}
      </div>
      <div className="code-editor" ref={host} />
    </div>
  );
}
