/** Progress of the run shown: epoch, samples/s, ETA, backend (and why faster ones were skipped), errors. */
import { formatDuration, formatInteger } from '../canvas/format';
import { retryOnCpu } from './trainActions';
import { useTraining, type Run } from './trainingStore';

export function RunStatus({ run }: { run: Run }) {
  const p = run.progress;
  const backend = run.started?.backend;
  const running = useTraining((s) => s.requesting || s.runs.some((r) => r.status === 'running'));
  // The GPU ran out of memory or failed: the CPU is one click away (and stays chosen).
  const gpuFailed = run.error?.kind === 'backend' && (backend?.name === 'webgpu' || backend?.name === 'tensorflow-gpu');
  return (
    <div className={`run-status run-${run.status}`} data-testid="run-status">
      <div className="run-stats">
        <span className="badge">{run.status}</span>
        {p.epochs > 0 && (
          <span>
            epoch {Math.max(1, p.epoch)} / {p.epochs}
            {p.batchesPerEpoch > 0 && run.status === 'running' && ` · batch ${p.batch}/${p.batchesPerEpoch}`}
          </span>
        )}
        {p.samplesPerSecond > 0 && <span data-testid="samples-per-second">{formatInteger(Math.round(p.samplesPerSecond))} samples/s</span>}
        {run.status === 'running' && p.etaSeconds !== null && <span>ETA {formatDuration(p.etaSeconds)}</span>}
      </div>
      {backend && (
        <div className="backend" data-testid="backend">
          Backend: <b>{backend.name}</b> <span className="muted">{backend.detail}</span>
          {backend.skipped.length > 0 && (
            <ul className="skipped">
              {backend.skipped.map((s) => (
                <li key={s.name}>
                  {s.name} not used: {s.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {run.started && (
        <div className="muted">
          {run.started.dataset.name}: {formatInteger(run.started.dataset.trainCount)} train,{' '}
          {formatInteger(run.started.dataset.validationCount)} validation, {formatInteger(run.started.dataset.testCount)} test samples
        </div>
      )}
      {run.error && (
        <div className="run-error" role="alert">
          {run.error.kind === 'diverged' ? 'Training diverged: ' : 'Training failed: '}
          {run.error.message}
          {gpuFailed && (
            <div>
              <button data-testid="retry-on-cpu" disabled={running} onClick={() => void retryOnCpu()}>
                Train on the CPU instead
              </button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
