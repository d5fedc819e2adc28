/** Dataset, config, Train/Stop, live curves, results, history and gradient norms. */
import { memo, useState } from 'react';
import { LessonRunNote } from '../lesson/LessonRunNote';
import { checkOf } from '../store/checkCache';
import { checkOfState } from '../store/checkCache';
import { useEditor } from '../store/editorStore';
import { CurveCharts } from './CurveCharts';
import { DatasetPicker, EMBEDDED_MNIST } from './DatasetPicker';
import { FiltersView } from './FiltersView';
import { GradientNormsChart } from './GradientNormsChart';
import { RunHistory } from './RunHistory';
import { RunResults } from './RunResults';
import { RunStatus } from './RunStatus';
import { startTraining, stopTraining } from './trainActions';
import { TrainingConfigForm } from './TrainingConfigForm';
import { activeRun, useTraining, type Hardware } from './trainingStore';

export function TrainingPanel() {
  // Narrow selections: this panel stays mounted, and must re-render neither on every canvas edit
  // nor on every batch (the forms above the charts would re-render 20 times a second).
  const graphOk = useEditor((s) => checkOfState(s).ok);
  const order = useEditor((s) => checkOfState(s).order);
  const source = useEditor((s) => String((s.doc.dataset as { source?: unknown } | undefined)?.source ?? EMBEDDED_MNIST));
  const runId = useTraining((s) => activeRun(s)?.runId ?? null);
  const running = useTraining((s) => activeRun(s)?.status === 'running');
  const requesting = useTraining((s) => s.requesting);
  const [limit, setLimit] = useState<number | undefined>(2000);
  const hardware = useTraining((s) => s.hardware);
  const setHardware = useTraining((s) => s.setHardware);
  const pytorch = useEditor((s) => (s.doc.training as { runner?: string } | undefined)?.runner === 'pytorch');
  return (
    <div className="training-panel" data-testid="training-panel">
      <LessonRunNote />
      <DatasetPicker limit={limit} setLimit={setLimit} />
      <TrainingConfigForm />
      <div className="train-buttons" data-testid="train-buttons">
        <button
          className="primary"
          data-testid="train-button"
          disabled={running || requesting || !graphOk}
          title={graphOk ? 'Train in a separate process' : 'Fix the graph’s errors first'}
          onClick={() => void startTraining({ source, limit, testLimit: limit ? Math.max(200, Math.round(limit / 5)) : undefined })}
        >
          {requesting ? 'Starting…' : 'Train'}
        </button>
        <button data-testid="stop-button" disabled={!running} onClick={() => runId && void stopTraining(runId)}>
          Stop
        </button>
        <label
          className="inline-field"
          title={
            pytorch
              ? 'The PyTorch runner picks its own device'
              : 'The best hardware is a GPU when one is found, else the CPU. Choose the CPU if the GPU runs out of memory or misbehaves.'
          }
        >
          on
          <select data-testid="hardware" value={hardware} disabled={pytorch} onChange={(e) => setHardware(e.target.value as Hardware)}>
            <option value="auto">the best hardware found</option>
            <option value="cpu">the CPU only</option>
          </select>
        </label>
      </div>
      {runId && <RunView runId={runId} order={order} />}
      <RunHistory />
    </div>
  );
}

/** The run shown. Re-renders per batch; the gradient chart and results only when theirs change. */
const RunView = memo(function RunView({ runId, order }: { runId: string; order: readonly string[] }) {
  const run = useTraining((s) => s.runs.find((r) => r.runId === runId));
  if (!run) return null;
  return (
    <>
      <RunStatus run={run} />
      <CurveCharts run={run} />
      <GradientNormsChart norms={run.curves.gradientNorms} epochs={run.curves.gradientNorms.length} order={order} />
      <FiltersView before={run.started?.filters} now={run.filters} />
      <RunResults done={run.done} />
    </>
  );
});
