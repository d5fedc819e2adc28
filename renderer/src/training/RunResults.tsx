/** The end of a run: test accuracy, confusion matrix, misclassified examples. */
import { memo } from 'react';
import { ConfusionMatrix } from './ConfusionMatrix';
import { MisclassifiedGrid } from './MisclassifiedGrid';
import type { Run } from './trainingStore';

const percent = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(2)}%`);

/** Memoised on `done`: it arrives once, and the run around it changes on every batch. */
export const RunResults = memo(function RunResults({ done }: { done: Run['done'] }) {
  if (!done) return null;
  return (
    <section className="train-section results" data-testid="results">
      <h3>Results{done.stopped ? ' (stopped early)' : ''}</h3>
      <div className="result-figures">
        <div>
          <span className="big" data-testid="test-accuracy">
            {percent(done.metrics.testAccuracy)}
          </span>
          test accuracy
        </div>
        <div>
          <span className="big">{done.metrics.testLoss?.toFixed(3) ?? '–'}</span>test loss
        </div>
        <div>
          <span className="big">{done.metrics.seconds.toFixed(1)} s</span>
          {done.metrics.epochsCompleted} epochs
        </div>
      </div>
      {done.confusion.length > 0 && <ConfusionMatrix confusion={done.confusion} classNames={done.classNames} />}
      <MisclassifiedGrid samples={done.misclassified} classNames={done.classNames} />
    </section>
  );
});
