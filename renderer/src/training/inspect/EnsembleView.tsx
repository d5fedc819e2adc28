/**
 * Ensembles from the run history: tick two or more finished runs (graphs with the same input and
 * classes), evaluate them together — the average of their probabilities — on the first run's test
 * split, and compare each member's test error, the members' mean and the ensemble's, in a table
 * and a bar chart. Measured in a trainer process (runs.ensemble).
 */
import { hasWeights } from '../../code/exportWeights';
import { colourOf, runTask, useTraining } from '../trainingStore';
import type { EnsembleResult } from '../../../../electron/api/contract';
import { measureEnsemble, useInspection } from './inspectionStore';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const points = (x: number) => `${(100 * x).toFixed(2)} percentage points`;

interface Bar {
  readonly label: string;
  readonly error: number;
  readonly colour: string;
  readonly kind: 'member' | 'mean' | 'ensemble';
}

/** Test error as horizontal bars: one per member, then the members' mean, then the ensemble. */
function ErrorBars({ bars }: { bars: readonly Bar[] }) {
  const W = 460;
  const row = 24;
  const left = 150;
  const H = bars.length * row + 26;
  const top = Math.max(0.01, ...bars.map((b) => b.error)) * 1.1;
  const x = (e: number) => left + ((W - left - 60) * e) / top;
  return (
    <svg
      className="ensemble-chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label="Test error of each member, their mean and the ensemble"
      data-testid="ensemble-chart"
    >
      {bars.map((b, i) => (
        <g key={`${b.kind}-${i}`} data-testid={`ensemble-bar-${b.kind}`}>
          <text x={left - 8} y={i * row + 16} textAnchor="end" className={b.kind === 'member' ? '' : 'strong'}>
            {b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label}
          </text>
          <rect x={left} y={i * row + 4} width={Math.max(1, x(b.error) - left)} height={row - 8} fill={b.colour} data-error={b.error} />
          <text x={x(b.error) + 6} y={i * row + 16}>
            {pct(b.error)}
          </text>
        </g>
      ))}
      <line x1={left} x2={left} y1={0} y2={bars.length * row} className="axis" />
      <text x={(left + W - 60) / 2} y={H - 6} textAnchor="middle" className="axis-label">
        test error (lower is better)
      </text>
    </svg>
  );
}

function Result({ result, runIds }: { result: EnsembleResult; runIds: readonly string[] }) {
  const runs = useTraining((s) => s.runs);
  const bars: Bar[] = [
    ...result.members.map((m, i) => ({ label: m.label, error: m.error, colour: colourOf(runs, runIds[i]!), kind: 'member' as const })),
    { label: 'mean of the members', error: result.meanMemberError, colour: '#94a3b8', kind: 'mean' },
    { label: `ensemble of ${result.members.length}`, error: result.ensemble.error, colour: '#0f172a', kind: 'ensemble' },
  ];
  const gain = result.meanMemberError - result.ensemble.error;
  return (
    <>
      <div className="ensemble-result">
        <table className="runs ensemble-table" data-testid="ensemble-table">
          <thead>
            <tr>
              <th>net</th>
              <th>test error</th>
              <th>loss</th>
            </tr>
          </thead>
          <tbody>
            {result.members.map((m, i) => (
              <tr key={runIds[i]}>
                <td>{m.label}</td>
                <td>{pct(m.error)}</td>
                <td>{m.loss.toFixed(4)}</td>
              </tr>
            ))}
            <tr className="strong">
              <td>mean of the members</td>
              <td data-testid="ensemble-mean">{pct(result.meanMemberError)}</td>
              <td />
            </tr>
            <tr className="strong">
              <td>ensemble (average of {result.members.length})</td>
              <td data-testid="ensemble-error">{pct(result.ensemble.error)}</td>
              <td>{result.ensemble.loss.toFixed(4)}</td>
            </tr>
          </tbody>
        </table>
        <ErrorBars bars={bars} />
      </div>
      <p className="field-help" data-testid="ensemble-summary">
        {gain > 0
          ? `Averaging the ${result.members.length} nets' probabilities gives an error ${points(gain)} below the members' mean.`
          : `Here averaging does not beat the members' mean error (it is ${points(-gain)} above it).`}{' '}
        {result.dataset}, {result.split} split, {result.count} samples on {result.backend}.
      </p>
    </>
  );
}

export function EnsembleView() {
  const runs = useTraining((s) => s.runs);
  const members = useInspection((s) => s.members);
  const setMember = useInspection((s) => s.setMember);
  const ensemble = useInspection((s) => s.ensemble);
  const busy = useInspection((s) => s.ensemble?.state === 'running' || Object.values(s.dropout).some((d) => d.state === 'running'));
  const finished = [...runs].reverse().filter((r) => hasWeights(r) && r.status !== 'running' && runTask(r) === 'classification');
  const chosen = members.filter((id) => finished.some((r) => r.runId === id));
  return (
    <section className="ensemble" data-testid="ensemble">
      <h3>Ensemble of runs</h3>
      <p className="field-help">
        Tick two or more finished runs of nets with the same input and classes (train the same graph with different seeds, or different
        graphs). Their probabilities are averaged, and measured on the first ticked run's test split.
      </p>
      {finished.length < 2 ? (
        <p className="muted" data-testid="ensemble-empty">
          {finished.length === 0 ? 'No finished run has trained weights yet.' : 'Only one finished run has trained weights: train another.'}
        </p>
      ) : (
        <ul className="ensemble-members">
          {finished.map((r) => (
            <li key={r.runId}>
              <label>
                <input
                  type="checkbox"
                  data-testid={`ensemble-member-${r.runId}`}
                  checked={chosen.includes(r.runId)}
                  onChange={(e) => setMember(r.runId, e.target.checked)}
                />
                <span className="swatch" style={{ background: colourOf(runs, r.runId) }} />
                {r.label}
              </label>
            </li>
          ))}
        </ul>
      )}
      <button
        className="primary"
        data-testid="ensemble-measure"
        disabled={busy || chosen.length < 2}
        title={chosen.length < 2 ? 'Tick two or more runs' : 'Evaluate the ticked runs and their average on the test split'}
        onClick={() => void measureEnsemble(chosen)}
      >
        {ensemble?.state === 'running' ? 'Evaluating…' : `Evaluate ${chosen.length || ''} as an ensemble`.replace('  ', ' ')}
      </button>
      {ensemble?.state === 'error' && (
        <p className="field-error" data-testid="ensemble-error-message">
          {ensemble.error}
        </p>
      )}
      {ensemble?.state === 'done' && <Result result={ensemble.result} runIds={ensemble.runIds} />}
    </section>
  );
}
