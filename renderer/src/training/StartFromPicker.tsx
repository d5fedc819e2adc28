/**
 * "Start from" in the Train tab: fresh weights, a finished run of the history, or a checkpoint file
 * (through the host's dialog, or the web host's path prompt, so only a file the student chose is
 * read); and, with a checkpoint, "freeze through" a node. Below, the trainer's report for the
 * active run: which nodes took the checkpoint's weights, which started fresh and why.
 */
import { askForPath, useUi } from '../app/uiStore';
import { hasWeights } from '../code/exportWeights';
import { api, messageOf } from '../host/api';
import { checkOfState } from '../store/checkCache';
import { useEditor } from '../store/editorStore';
import { fromLabel, startedFrom, useStartFrom } from './startFrom';
import { activeRun, useTraining, type Run } from './trainingStore';

async function chooseFile() {
  try {
    const answer = await api().request('file.openDialog', { kind: 'checkpoint' });
    const path = answer.unsupported ? await askForPath('open', 'Choose a checkpoint (.weights.json)', undefined, ['.json']) : answer.path;
    if (path) useStartFrom.getState().setFrom({ kind: 'file', path });
  } catch (err) {
    useUi.getState().notify(`Could not choose a checkpoint: ${messageOf(err)}`, 'error');
  }
}

/** The trainer's word on a run started from a checkpoint. */
export function InitReportView({ run }: { run: Run }) {
  const report = run.started?.initFrom;
  if (!report) return null;
  const asked = startedFrom.get(run.runId);
  const runs = useTraining.getState().runs;
  const source = asked ? fromLabel(asked.from) : (runs.find((r) => report.from.includes(r.runId))?.label ?? report.from);
  return (
    <div className="init-report" data-testid="init-report">
      <p>
        <b>{run.label}</b> started from {source}
        {asked?.freezeThrough ? `, frozen through ${asked.freezeThrough}` : ''}.
      </p>
      <p data-testid="init-loaded">Loaded: {report.loaded.length > 0 ? report.loaded.join(', ') : 'nothing'}</p>
      {report.skipped.length > 0 && (
        <div data-testid="init-fresh">
          Started fresh:
          <ul>
            {report.skipped.map((s) => (
              <li key={s.nodeId}>
                <b>{s.nodeId}</b>: {s.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {report.unused.length > 0 && <p className="muted">Not used from the checkpoint: {report.unused.join(', ')}</p>}
    </div>
  );
}

export function StartFromPicker() {
  const { from, freezeThrough, setFrom, setFreezeThrough } = useStartFrom();
  const runs = useTraining((s) => s.runs);
  const active = useTraining(activeRun);
  const weighted = useEditor((s) => {
    const check = checkOfState(s);
    return check.order.filter((id) => (check.nodes[id]?.weights.length ?? 0) > 0).join('\n');
  });
  const finished = [...runs].reverse().filter((r) => hasWeights(r) && r.status !== 'running');
  const value = from?.kind === 'run' ? `run:${from.runId}` : from?.kind === 'file' ? 'file' : '';
  const pick = (v: string) => {
    if (v === '') return setFrom(null);
    if (v === 'file') return;
    const run = runs.find((r) => `run:${r.runId}` === v);
    if (run) setFrom({ kind: 'run', runId: run.runId, label: run.label });
  };
  return (
    <section className="train-section" data-testid="start-from">
      <h3>Start from</h3>
      <div className="inline-field start-from-row">
        <select data-testid="start-from-select" value={value} onChange={(e) => pick(e.target.value)}>
          <option value="">fresh weights (the layers' initialisers)</option>
          {finished.map((r) => (
            <option key={r.runId} value={`run:${r.runId}`}>
              the weights of “{r.label}”
            </option>
          ))}
          {from?.kind === 'file' && <option value="file">{fromLabel(from)}</option>}
        </select>
        <button data-testid="start-from-file" onClick={() => void chooseFile()}>
          Checkpoint file…
        </button>
      </div>
      {from && (
        <label className="inline-field">
          Freeze through
          <select data-testid="freeze-through" value={freezeThrough ?? ''} onChange={(e) => setFreezeThrough(e.target.value || null)}>
            <option value="">nothing: fine-tune every layer</option>
            {weighted
              .split('\n')
              .filter(Boolean)
              .map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
          </select>
        </label>
      )}
      <p className="field-help">
        {from
          ? `Nodes whose ids and weight shapes match ${fromLabel(from)} take its weights; the others start fresh. Frozen layers keep the weights they loaded, and only the layers after them learn.`
          : 'Transfer learning: start from the weights of a run trained before (on another dataset, say), instead of random ones.'}
      </p>
      {active && <InitReportView run={active} />}
    </section>
  );
}
