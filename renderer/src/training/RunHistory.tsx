/** Every run of this session; pick one to show and another to overlay (e.g. a plain and a residual net). */
import { useTraining } from './trainingStore';

const accuracyOf = (acc: number | null | undefined) => (acc === null || acc === undefined ? '' : ` · ${(acc * 100).toFixed(1)}%`);

export function RunHistory() {
  const runs = useTraining((s) => s.runs);
  const active = useTraining((s) => s.activeRunId);
  const compare = useTraining((s) => s.compareRunId);
  if (runs.length < 1) return null;
  return (
    <section className="train-section">
      <h3>Run history</h3>
      <table className="runs">
        <thead>
          <tr>
            <th>Run</th>
            <th>Show</th>
            <th>Overlay</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.runId}>
              <td>
                {r.label}{' '}
                <span className="muted">
                  {r.status}
                  {accuracyOf(r.done?.metrics.testAccuracy)}
                </span>
              </td>
              <td>
                <input
                  type="radio"
                  name="active-run"
                  checked={r.runId === active}
                  onChange={() => useTraining.getState().setActive(r.runId)}
                />
              </td>
              <td>
                <input
                  type="checkbox"
                  disabled={r.runId === active}
                  checked={r.runId === compare}
                  onChange={(e) => useTraining.getState().setCompare(e.target.checked ? r.runId : null)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
