/**
 * Every run, this session's and the history's: tick any number to overlay their curves, click a
 * name to make it the active run (its status, results and filters), double-click (or ✎) to rename,
 * ✕ to delete it with its weights. Each run keeps its colour in every chart.
 */
import { useState } from 'react';
import { activateRun, deleteRun, renameRun, showRun } from '../history';
import { headlineTest } from '../../../../engine/task/figure';
import { runTask } from '../runModel';
import { colourOf, useTraining, type Run } from '../trainingStore';

/**
 * The run's headline test figure: a classifier's accuracy ("97.1%"), else its task's first metric
 * by name ("mean IoU 14.2%", "PSNR 12.3 dB"), never a segmentation's pixel accuracy read as accuracy.
 */
export function runFigure(run: Run): string {
  const task = runTask(run);
  const h = headlineTest(
    task,
    run.done?.metrics ?? (run.summary && { testAccuracy: run.summary.testAccuracy, test: run.summary.testMetrics }),
    1,
  );
  if (!h) return '';
  return h.label === 'accuracy' ? h.figure : `${h.label} ${h.figure}`;
}

function Name({ run }: { run: Run }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(run.label);
  if (editing)
    return (
      <input
        className="run-rename"
        data-testid={`run-rename-${run.runId}`}
        value={text}
        autoFocus
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          setEditing(false);
          if (text.trim() && text !== run.label) void renameRun(run.runId, text);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          if (e.key === 'Escape') {
            setText(run.label);
            setEditing(false);
          }
        }}
      />
    );
  const edit = () => {
    setText(run.label);
    setEditing(true);
  };
  return (
    <>
      <button
        className="link-button run-name"
        data-testid={`run-name-${run.runId}`}
        title={`${run.label}: show this run's status and results (double-click to rename)`}
        onClick={() => void activateRun(run.runId)}
        onDoubleClick={edit}
      >
        {run.label}
      </button>
      <button className="icon-button" title="Rename" aria-label={`Rename ${run.label}`} onClick={edit}>
        ✎
      </button>
    </>
  );
}

export function RunsTable() {
  const runs = useTraining((s) => s.runs);
  const shown = useTraining((s) => s.shown);
  const active = useTraining((s) => s.activeRunId);
  return (
    <div className="dock-cell runs-cell">
      <table className="runs" data-testid="runs">
        <tbody>
          {[...runs].reverse().map((r) => {
            const figure = runFigure(r);
            return (
              <tr key={r.runId} className={r.runId === active ? 'active' : undefined} data-testid={`run-row-${r.runId}`}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Show ${r.label} on the curves`}
                    data-testid={`run-show-${r.runId}`}
                    checked={shown.includes(r.runId)}
                    style={{ accentColor: colourOf(runs, r.runId) }}
                    onChange={(e) => void showRun(r.runId, e.target.checked)}
                  />
                </td>
                <td className="run-cell">
                  <span className="swatch" style={{ background: colourOf(runs, r.runId) }} />
                  <Name run={r} />
                  <span className="muted run-facts" data-testid={`run-figure-${r.runId}`}>
                    {r.status === 'done' ? figure : r.status}
                    {r.status === 'stopped' && figure ? ` ${figure}` : ''}
                  </span>
                </td>
                <td className="run-actions">
                  <button
                    className="icon-button"
                    title="Delete this run and its weights"
                    aria-label={`Delete ${r.label}`}
                    disabled={r.status === 'running'}
                    onClick={() => window.confirm(`Delete the run "${r.label}" and its trained weights?`) && void deleteRun(r.runId)}
                  >
                    ✕
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
