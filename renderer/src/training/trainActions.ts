/** Starting and stopping a run through the host; the trainer's events arrive via `train.event`. */
import { useUi } from '../app/uiStore';
import { api, messageOf } from '../host/api';
import { checkOf } from '../store/checkCache';
import { editorStore } from '../store/editorStore';
import { useTraining, type DatasetChoice, type Hardware } from './trainingStore';

/** The trainer's backend for each choice (engine/train/backends/select). */
const BACKENDS: Record<Hardware, string | undefined> = { auto: undefined, cpu: 'wasm' };

/** Starts a run of the open graph on `dataset`, on the hardware chosen beside the Train button. */
export async function startTraining(dataset: DatasetChoice): Promise<void> {
  const { doc } = editorStore().getState();
  const ui = useUi.getState();
  const check = checkOf(doc);
  if (!check.ok) {
    const first = check.diagnostics.find((d) => d.severity === 'error');
    ui.notify(`Fix the graph before training: ${first?.message ?? 'it has errors'}`, 'error');
    return;
  }
  const training = useTraining.getState();
  const { hardware } = training;
  training.setRequesting(true);
  training.setLastDataset(dataset);
  const runner = (doc.training as { runner?: 'tfjs' | 'pytorch' } | undefined)?.runner;
  try {
    const { runId } = await api().request('train.start', {
      graph: doc as unknown as Record<string, unknown>,
      dataset: {
        source: dataset.source,
        ...(dataset.limit ? { limit: dataset.limit } : {}),
        ...(dataset.testLimit ? { testLimit: dataset.testLimit } : {}),
      },
      ...(runner ? { runner } : {}),
      // The PyTorch runner picks its own device.
      ...(runner !== 'pytorch' && BACKENDS[hardware] ? { backend: BACKENDS[hardware] } : {}),
    });
    training.begin(runId, `${doc.name} #${useTraining.getState().runs.length + 1}`);
  } catch (err) {
    training.setRequesting(false);
    ui.notify(`Could not start training: ${messageOf(err)}`, 'error');
  }
}

/** After a GPU failure: the same run again, on the CPU, which stays chosen for later runs. */
export async function retryOnCpu(): Promise<void> {
  const { lastDataset, setHardware } = useTraining.getState();
  if (!lastDataset) return;
  setHardware('cpu');
  await startTraining(lastDataset);
}

export async function stopTraining(runId: string): Promise<void> {
  try {
    await api().request('train.stop', { runId });
  } catch (err) {
    useUi.getState().notify(`Could not stop the run: ${messageOf(err)}`, 'error');
  }
}

/** Subscribes the training store to the host's trainer events; returns the unsubscribe. */
export function listenToTrainer(): () => void {
  return api().on('train.event', (event) => useTraining.getState().handle(event));
}
