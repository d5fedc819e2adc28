/** The end of a run: test accuracy, confusion matrix, misclassified examples. */
import { memo } from 'react';
import { hasWeights } from '../code/exportWeights';
import { exportTrainedRun } from '../files/fileActions';
import { metricFigure } from '../../../engine/task/figure';
import { METRICS, type MetricId } from '../../../engine/task/metrics';
import { ConfusionMatrix } from './ConfusionMatrix';
import { MisclassifiedGrid } from './MisclassifiedGrid';
import { McDropoutView } from './inspect/McDropoutView';
import { runTask, type Run } from './trainingStore';

export const percent = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(2)}%`);

/** A task metric as the results show it: a percentage, or decibels. */
export { metricFigure };

/** The run's results. Memoised on the run: in the dock's results tab only finished runs are shown, which no longer change. */
export const RunResults = memo(function RunResults({ run }: { run: Run }) {
  const done = run.done;
  if (!done) return null;
  return (
    <section className="results" data-testid="results">
      <h3>
        {run.label}: results{done.stopped ? ' (stopped early)' : ''}
        {hasWeights(run) && (
          <button
            className="export-trained"
            data-testid="export-trained"
            title="Writes the graph this run trained, with its trained weights, as a PyTorch project (model.py, train.py, weights.json)"
            onClick={() => void exportTrainedRun(run.runId)}
          >
            Export trained model…
          </button>
        )}
      </h3>
      <div className="result-figures">
        {done.metrics.test ? (
          (Object.keys(done.metrics.test) as MetricId[]).map((id) => (
            <div key={id}>
              <span className="big" data-testid={`test-${id}`}>
                {metricFigure(id, done.metrics.test![id]!)}
              </span>
              test {METRICS[id].label}
            </div>
          ))
        ) : (
          <div>
            <span className="big" data-testid="test-accuracy">
              {percent(done.metrics.testAccuracy)}
            </span>
            test accuracy
          </div>
        )}
        <div>
          <span className="big">{done.metrics.testLoss?.toFixed(3) ?? '–'}</span>test loss
        </div>
        <div>
          <span className="big">{done.metrics.seconds.toFixed(1)} s</span>
          {done.metrics.epochsCompleted} epochs
        </div>
      </div>
      <div className="results-grid">
        {done.confusion.length > 0 && <ConfusionMatrix confusion={done.confusion} classNames={done.classNames} />}
        {done.confusion.length > 0 && <MisclassifiedGrid samples={done.misclassified} classNames={done.classNames} />}
      </div>
      {runTask(run) === 'classification' && hasWeights(run) && <McDropoutView run={run} />}
    </section>
  );
});
