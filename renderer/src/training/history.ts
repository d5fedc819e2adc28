/**
 * The run history through the host (runs.* requests): loaded when the editor starts, a kept run's
 * curves read when it is first shown, renames and deletes written back to the data folder.
 */
import { useUi } from '../app/uiStore';
import { api, messageOf } from '../host/api';
import { fromRecord } from './runModel';
import { useTraining } from './trainingStore';

const complain = (what: string, err: unknown) => useUi.getState().notify(`${what}: ${messageOf(err)}`, 'error');

export async function loadHistory(): Promise<void> {
  try {
    useTraining.getState().setHistory(await api().request('runs.list', {}));
  } catch (err) {
    // A host without a history (an older one, the stub in tests) leaves this session's runs as they are.
    if (!/unknown request/.test(messageOf(err))) complain('Could not read the run history', err);
  }
}

/** Shows or hides a run on the curves; a kept run's curves are read the first time. */
export async function showRun(runId: string, on: boolean): Promise<void> {
  const training = useTraining.getState();
  training.setShown(runId, on);
  const run = training.runs.find((r) => r.runId === runId);
  if (!on || !run?.summary) return;
  try {
    training.replace(fromRecord(await api().request('runs.read', { runId })));
  } catch (err) {
    complain(`Could not read the run "${run.label}"`, err);
  }
}

/** Makes a run the one whose status, results and filters are shown (and shows it). */
export async function activateRun(runId: string): Promise<void> {
  useTraining.getState().setActive(runId);
  await showRun(runId, true);
}

export async function renameRun(runId: string, name: string): Promise<void> {
  const trimmed = name.trim();
  if (!trimmed) return;
  const before = useTraining.getState().runs.find((r) => r.runId === runId)?.label;
  useTraining.getState().rename(runId, trimmed);
  try {
    await api().request('runs.rename', { runId, name: trimmed });
  } catch (err) {
    if (before) useTraining.getState().rename(runId, before);
    complain('Could not rename the run', err);
  }
}

export async function deleteRun(runId: string): Promise<void> {
  try {
    await api().request('runs.delete', { runId });
    useTraining.getState().remove(runId);
  } catch (err) {
    complain('Could not delete the run', err);
  }
}
