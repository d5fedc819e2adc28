/**
 * The Train tab: Train and Stop (and where it runs) always on top, then the dataset and the
 * training settings. The run itself streams into the training dock under the editor.
 */
import { useState } from 'react';
import { QUICK_RUN_LIMIT, quickTestLimit } from '../../../engine/runs/quick-run';
import { LessonRunNote } from '../lesson/LessonRunNote';
import { checkOfState } from '../store/checkCache';
import { useEditor } from '../store/editorStore';
import { DatasetPicker, EMBEDDED_MNIST } from './DatasetPicker';
import { StartFromPicker } from './StartFromPicker';
import { startTraining, stopTraining } from './trainActions';
import { TrainingConfigForm } from './TrainingConfigForm';
import { activeRun, useTraining, type Hardware } from './trainingStore';

export function TrainingPanel() {
  // Narrow selections: this panel stays mounted, and must re-render neither on every canvas edit
  // nor on every batch.
  const graphOk = useEditor((s) => checkOfState(s).ok);
  const firstError = useEditor((s) => checkOfState(s).diagnostics.find((d) => d.severity === 'error')?.message);
  const source = useEditor((s) => String((s.doc.dataset as { source?: unknown } | undefined)?.source ?? EMBEDDED_MNIST));
  const runId = useTraining((s) => activeRun(s)?.runId ?? null);
  const running = useTraining((s) => activeRun(s)?.status === 'running');
  const requesting = useTraining((s) => s.requesting);
  const [limit, setLimit] = useState<number | undefined>(QUICK_RUN_LIMIT);
  const hardware = useTraining((s) => s.hardware);
  const setHardware = useTraining((s) => s.setHardware);
  const pytorch = useEditor((s) => (s.doc.training as { runner?: string } | undefined)?.runner === 'pytorch');
  return (
    <div className="training-panel" data-testid="training-panel">
      <LessonRunNote />
      <div className="train-buttons" data-testid="train-buttons">
        <button
          className="primary"
          data-testid="train-button"
          disabled={running || requesting || !graphOk}
          title={graphOk ? 'Train in a separate process' : `Fix the graph first: ${firstError ?? 'it has errors'}`}
          onClick={() => void startTraining({ source, limit, testLimit: quickTestLimit(limit) })}
        >
          {requesting ? 'Starting…' : 'Train'}
        </button>
        <button data-testid="train-stop-button" disabled={!running} onClick={() => runId && void stopTraining(runId)}>
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
            <option value="auto">the best hardware</option>
            <option value="cpu">the CPU only</option>
          </select>
        </label>
      </div>
      {!graphOk && firstError && <p className="field-error train-blocked">Fix the graph first: {firstError}</p>}
      <DatasetPicker limit={limit} setLimit={setLimit} />
      {!pytorch && <StartFromPicker />}
      <TrainingConfigForm />
    </div>
  );
}
