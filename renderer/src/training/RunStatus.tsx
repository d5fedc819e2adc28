/** The active run's details: where it trains (and why faster backends were skipped), on what data, with which settings, and its log. */
import { formatInteger } from '../canvas/format';
import { InitReportView } from './StartFromPicker';
import type { Run } from './trainingStore';

const SETTINGS = ['optimizer', 'learningRate', 'batchSize', 'epochs', 'seed'] as const;

export function RunStatus({ run }: { run: Run }) {
  const backend = run.started?.backend;
  const config = run.started?.config;
  return (
    <div className="run-details" data-testid="run-details">
      {run.error && (
        <p className="field-error" data-testid="run-error-detail">
          {run.error.kind === 'diverged' ? 'Training diverged: ' : 'Training failed: '}
          {run.error.message}
        </p>
      )}
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
          {formatInteger(run.started.dataset.validationCount)} validation, {formatInteger(run.started.dataset.testCount)} test samples;{' '}
          {formatInteger(run.started.params)} parameters
        </div>
      )}
      {config && (
        <div className="muted">
          {SETTINGS.filter((k) => config[k] !== undefined)
            .map((k) => `${k} ${String(config[k])}`)
            .join(' · ')}
        </div>
      )}
      <InitReportView run={run} />
      {run.done?.saveError && (
        <div className="run-error" role="alert" data-testid="save-error">
          {run.done.saveError}
        </div>
      )}
      {run.log.length > 0 && <pre className="run-log">{run.log.slice(-12).join('\n')}</pre>}
    </div>
  );
}
