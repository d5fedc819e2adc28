/** Totals for the whole graph: params, MACs, activation memory at the training batch size, problems, check time. */
import { formatBytes, formatCount, formatInteger } from '../canvas/format';
import { checkOfState, lastCheckDuration } from '../store/checkCache';
import { editorStore, useEditor } from '../store/editorStore';
import { setTraining } from '../store/actions';
import { CommitField } from './CommitField';
import { useUi } from '../app/uiStore';

const BYTES_PER_FLOAT = 4;

export function SummaryBar() {
  const doc = useEditor((s) => s.doc);
  const check = useEditor(checkOfState);
  const batch = Number((doc.training as { batchSize?: unknown } | undefined)?.batchSize ?? 64);
  const errors = check.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = check.diagnostics.length - errors;
  return (
    <footer className="summary-bar" data-testid="summary-bar">
      <span className="stat">
        <b data-testid="total-params">{formatInteger(check.totals.params)}</b> params
      </span>
      <span className="stat">
        <b>{formatCount(check.totals.macs)}</b> MACs / sample
      </span>
      <span className="stat" title="Output activations of every layer, float32, for one batch (the backward pass needs them all)">
        <b>{formatBytes(check.totals.activationSize * batch * BYTES_PER_FLOAT)}</b> activations at batch
      </span>
      <span className="stat batch-field" title="Batch size (the training config's)">
        <CommitField
          key="batch"
          label="×"
          value={String(batch)}
          commit={(t) => ({ action: setTraining, args: { patch: { batchSize: Number(t) } } })}
        />
      </span>
      <button
        className={`stat problems-count ${errors ? 'has-errors' : warnings ? 'has-warnings' : 'clean'}`}
        data-testid="problem-count"
        onClick={() => {
          // The problems list shows when nothing is selected.
          editorStore().getState().select({ nodes: [], edges: [] });
          useUi.getState().setTab('inspect');
        }}
      >
        {errors} error{errors === 1 ? '' : 's'} · {warnings} warning{warnings === 1 ? '' : 's'}
      </button>
      <span className="stat muted" title="Time the checker took for the last edit" data-testid="check-time">
        checked in {lastCheckDuration().toFixed(1)} ms
      </span>
    </footer>
  );
}
