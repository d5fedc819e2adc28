/** Dataset, config, Train/Stop, live curves, results, history and gradient norms. */
import { useState } from 'react';
import { checkOf } from '../store/checkCache';
import { useEditor } from '../store/editorStore';
import { CurveCharts } from './CurveCharts';
import { DatasetPicker, EMBEDDED_MNIST } from './DatasetPicker';
import { GradientNormsChart } from './GradientNormsChart';
import { RunHistory } from './RunHistory';
import { RunResults } from './RunResults';
import { RunStatus } from './RunStatus';
import { startTraining, stopTraining } from './trainActions';
import { TrainingConfigForm } from './TrainingConfigForm';
import { activeRun, useTraining } from './trainingStore';

export function TrainingPanel() {
  // Narrow selections: this panel stays mounted, and must not re-render on every canvas edit.
  const graphOk = useEditor((s) => checkOf(s.doc).ok);
  const order = useEditor((s) => checkOf(s.doc).order);
  const source = useEditor((s) => String((s.doc.dataset as { source?: unknown } | undefined)?.source ?? EMBEDDED_MNIST));
  const run = useTraining(activeRun);
  const tick = useTraining((s) => s.tick);
  const requesting = useTraining((s) => s.requesting);
  const [limit, setLimit] = useState<number | undefined>(2000);
  const running = run?.status === 'running';
  return (
    <div className="training-panel" data-testid="training-panel">
      <DatasetPicker limit={limit} setLimit={setLimit} />
      <TrainingConfigForm />
      <div className="train-buttons">
        <button
          className="primary"
          data-testid="train-button"
          disabled={running || requesting || !graphOk}
          title={graphOk ? 'Train in a separate process' : 'Fix the graph’s errors first'}
          onClick={() => void startTraining({ source, limit, testLimit: limit ? Math.max(200, Math.round(limit / 5)) : undefined })}
        >
          {requesting ? 'Starting…' : 'Train'}
        </button>
        <button data-testid="stop-button" disabled={!running} onClick={() => run && void stopTraining(run.runId)}>
          Stop
        </button>
      </div>
      {run && (
        <>
          <RunStatus run={run} />
          <CurveCharts run={run} />
          <GradientNormsChart run={run} order={order} tick={tick} />
          <RunResults run={run} />
        </>
      )}
      <RunHistory />
    </div>
  );
}
