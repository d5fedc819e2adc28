/**
 * The Code tab: the graph as editable JSON, or what each exporter makes of it (read-only,
 * updated as the graph changes), with "Export files…" to write the chosen target out.
 */
import { lazy, Suspense } from 'react';
import type { ExportTarget } from '../../../electron/api/contract';
import { useUi } from '../app/uiStore';
import { exportGraphTo } from '../files/fileActions';
import JsonView from './JsonView';

const ExportView = lazy(() => import('./ExportView'));

export type CodeView = 'json' | ExportTarget;
const VIEWS: readonly CodeView[] = ['json', 'pytorch', 'keras', 'tfjs', 'onnx'];
const LABELS: Record<CodeView, string> = { json: 'Graph JSON', pytorch: 'PyTorch', keras: 'Keras 3', tfjs: 'TensorFlow.js', onnx: 'ONNX' };

export default function CodePanel() {
  const view = useUi((s) => s.codeView);
  const setView = useUi((s) => s.setCodeView);
  return (
    <div className="code-panel" data-testid="code-panel">
      <div className="code-toolbar">
        <select aria-label="Code view" value={view} onChange={(e) => setView(e.target.value as CodeView)}>
          {VIEWS.map((v) => (
            <option key={v} value={v}>
              {LABELS[v]}
            </option>
          ))}
        </select>
        {view !== 'json' && <button onClick={() => void exportGraphTo(view)}>Export files…</button>}
      </div>
      {view === 'json' ? (
        <JsonView />
      ) : (
        <Suspense fallback={<div className="code-status">Loading…</div>}>
          <ExportView key={view} target={view} />
        </Suspense>
      )}
    </div>
  );
}
