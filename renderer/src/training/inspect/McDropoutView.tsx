/**
 * Dropout at test time, as the lecture's slide compares the two rules: the test accuracy of the
 * Monte-Carlo average of k stochastic passes against k (log scale), with the weight-scaling rule
 * (one deterministic pass, what the results above report) as a dashed line. Measured on request,
 * in a trainer process, on the run's own test split.
 */
import type { McDropoutResult } from '../../../../electron/api/contract';
import type { Run } from '../runModel';
import { measureDropout, PASSES, useInspection } from './inspectionStore';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const W = 440;
const H = 210;
const M = { left: 52, right: 14, top: 14, bottom: 40 };

/** Accuracy (y) against k (x, log scale): the k-pass averages as a line with dots, weight scaling as a dashed line. */
function AccuracyVsK({ result }: { result: McDropoutResult }) {
  const ks = result.points.map((p) => p.k);
  const values = [...result.points.map((p) => p.accuracy), result.weightScaling.accuracy];
  const span = Math.max(0.01, Math.max(...values) - Math.min(...values));
  const lo = Math.max(0, Math.min(...values) - 0.15 * span);
  const hi = Math.min(1, Math.max(...values) + 0.15 * span);
  const kMax = Math.max(2, ...ks);
  const x = (k: number) => M.left + ((W - M.left - M.right) * Math.log(k)) / Math.log(kMax);
  const y = (a: number) => M.top + ((H - M.top - M.bottom) * (hi - a)) / Math.max(1e-9, hi - lo);
  const yTicks = Array.from({ length: 5 }, (_, i) => lo + ((hi - lo) * i) / 4);
  const line = result.points.map((p) => `${x(p.k).toFixed(1)},${y(p.accuracy).toFixed(1)}`).join(' ');
  return (
    <svg
      className="mc-chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label="Test accuracy against the number of passes k"
      data-testid="mc-chart"
    >
      {yTicks.map((t) => (
        <g key={t}>
          <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} className="grid" />
          <text x={M.left - 6} y={y(t) + 4} textAnchor="end">
            {(100 * t).toFixed(hi - lo < 0.05 ? 2 : 1)}%
          </text>
        </g>
      ))}
      {ks.map((k) => (
        <text key={k} x={x(k)} y={H - M.bottom + 16} textAnchor="middle">
          {k}
        </text>
      ))}
      <text x={(M.left + W - M.right) / 2} y={H - 6} textAnchor="middle" className="axis-label">
        passes averaged, k (log scale)
      </text>
      <line
        x1={M.left}
        x2={W - M.right}
        y1={y(result.weightScaling.accuracy)}
        y2={y(result.weightScaling.accuracy)}
        className="ws-line"
        data-testid="mc-weight-scaling"
      />
      <polyline points={line} className="mc-line" />
      {result.points.map((p) => (
        <circle key={p.k} cx={x(p.k)} cy={y(p.accuracy)} r={4} className="mc-dot" data-testid={`mc-point-${p.k}`}>
          <title>{`k = ${p.k}: ${pct(p.accuracy)}`}</title>
        </circle>
      ))}
    </svg>
  );
}

export function McDropoutView({ run }: { run: Run }) {
  const m = useInspection((s) => s.dropout[run.runId]);
  const busy = useInspection((s) => Object.values(s.dropout).some((d) => d.state === 'running') || s.ensemble?.state === 'running');
  const result = m?.state === 'done' ? m.result : null;
  return (
    <section className="mc-dropout" data-testid="mc-dropout">
      <h4>Dropout at test time</h4>
      <p className="field-help">
        Weight scaling runs the net once with every unit on (inverted dropout already scaled the weights while training). Monte-Carlo
        dropout keeps dropping units at test time and averages the probabilities of k passes, each a different thinned net.
      </p>
      <button
        data-testid="mc-measure"
        disabled={busy}
        title={`Test accuracy for k = ${PASSES.join(', ')} passes, beside weight scaling, on this run's test split`}
        onClick={() => void measureDropout(run.runId)}
      >
        {m?.state === 'running' ? `Running ${Math.max(...PASSES)} passes…` : result ? 'Measure again' : 'Compare the two rules'}
      </button>
      {m?.state === 'error' && (
        <p className="field-error" data-testid="mc-error">
          {m.error}
        </p>
      )}
      {result && (
        <div className="mc-result">
          <div>
            <AccuracyVsK result={result} />
            <p className="legend">
              <span className="key mc" /> Monte-Carlo average of k passes <span className="key ws" /> weight scaling (one pass)
            </p>
          </div>
          <div>
            <table className="runs mc-table" data-testid="mc-table">
              <thead>
                <tr>
                  <th>rule</th>
                  <th>k</th>
                  <th>accuracy</th>
                  <th>loss</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <td>weight scaling</td>
                  <td>1</td>
                  <td data-testid="mc-ws-accuracy">{pct(result.weightScaling.accuracy)}</td>
                  <td>{result.weightScaling.loss.toFixed(4)}</td>
                </tr>
                {result.points.map((p) => (
                  <tr key={p.k}>
                    <td>Monte-Carlo</td>
                    <td>{p.k}</td>
                    <td>{pct(p.accuracy)}</td>
                    <td>{p.loss.toFixed(4)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="field-help">
              {result.dataset}, {result.split} split, {result.count} samples on {result.backend}; dropout{' '}
              {result.dropout.map((d) => `${d.nodeId} (rate ${d.rate})`).join(', ')}.
            </p>
          </div>
        </div>
      )}
    </section>
  );
}
