/** Starting and stopping a run through the host; the trainer's events arrive via `train.event`. */
import type { GraphDoc } from '../../../engine/graph/types';
import { hasTrainedChecks, lessonRunRequest } from '../../../engine/lesson';
import { useUi } from '../app/uiStore';
import { lessonDocOf } from '../lesson/lessonMarks';
import { lessonRunKey, useLessonRuns } from '../lesson/lessonRuns';
import { api, messageOf } from '../host/api';
import { checkOfState } from '../store/checkCache';
import { editorStore } from '../store/editorStore';
import { startedFrom, startFromArgs, useStartFrom } from './startFrom';
import { useTraining, type DatasetChoice, type Hardware } from './trainingStore';

/** The document each run of this session started from: a failed run says when the graph has changed since. */
export const startedDocs = new Map<string, GraphDoc>();

/** The trainer's backend for each choice (engine/train/backends/select). */
const BACKENDS: Record<Hardware, string | undefined> = { auto: undefined, cpu: 'wasm' };

/** A lesson's dataset path is relative to the lesson file, as for `netcanvas grade`. */
function besideFile(source: string, filePath: string | null): string {
  if (source.startsWith('embedded:') || /^([/\\]|[A-Za-z]:[/\\])/.test(source) || !filePath) return source;
  return `${filePath.replace(/[^/\\]*$/, '')}${source}`;
}

/**
 * When the open graph is a lesson with trained checks, every run is a run of the lesson's settings
 * (engine/lesson/run: its dataset, limits, epochs, seed and locked fields), so its results mark them.
 */
function lessonRunOf(doc: GraphDoc) {
  if (!doc.lesson || !hasTrainedChecks(doc.lesson)) return null;
  const { lessonBase, instructor, filePath } = editorStore().getState();
  const lessonDoc = lessonDocOf(doc, lessonBase, instructor);
  return { ...lessonRunRequest(lessonDoc, doc, (source) => besideFile(source, filePath)), key: lessonRunKey(lessonDoc, doc) };
}

/** A run with the open lesson's settings (the Lesson panel's button). */
export const startLessonRun = (): Promise<void> => startTraining(useTraining.getState().lastDataset ?? { source: 'embedded:mnist' });

/** Starts a run of the open graph on `dataset` (a lesson's own, for a lesson), on the hardware chosen beside the Train button. */
export async function startTraining(dataset: DatasetChoice): Promise<void> {
  const { doc } = editorStore().getState();
  const ui = useUi.getState();
  const check = checkOfState(editorStore().getState());
  if (!check.ok) {
    const first = check.diagnostics.find((d) => d.severity === 'error');
    ui.notify(`Fix the graph before training: ${first?.message ?? 'it has errors'}`, 'error');
    return;
  }
  const training = useTraining.getState();
  const { hardware } = training;
  training.setRequesting(true);
  training.setLastDataset(dataset);
  const lesson = lessonRunOf(doc);
  // A lesson is marked by the grader's trainer (TensorFlow.js), so its runs use that runner too.
  const runner = lesson ? undefined : (doc.training as { runner?: 'tfjs' | 'pytorch' } | undefined)?.runner;
  try {
    const { runId, name } = await api().request('train.start', {
      graph: (lesson?.graph ?? doc) as unknown as Record<string, unknown>,
      dataset: lesson?.dataset ?? {
        source: dataset.source,
        ...(dataset.limit ? { limit: dataset.limit } : {}),
        ...(dataset.testLimit ? { testLimit: dataset.testLimit } : {}),
      },
      ...(lesson ? { config: lesson.config } : {}),
      ...(runner ? { runner } : {}),
      // A lesson's run is the lesson's settings only; transfer learning is the Train tab's choice.
      ...(lesson || runner === 'pytorch' ? {} : startFromArgs()),
      // The PyTorch runner picks its own device.
      ...(runner !== 'pytorch' && BACKENDS[hardware] ? { backend: BACKENDS[hardware] } : {}),
    });
    if (lesson) useLessonRuns.getState().begin(runId, lesson.key);
    startedDocs.set(runId, doc);
    const { from, freezeThrough } = useStartFrom.getState();
    if (from && !lesson) startedFrom.set(runId, { from, freezeThrough });
    const n = useTraining.getState().runs.length + 1;
    training.begin(runId, name ?? (lesson ? `Lesson run #${n}` : `${doc.name} #${n}`));
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

/** Subscribes the training store (and the lesson's runs) to the host's trainer events; returns the unsubscribe. */
export function listenToTrainer(): () => void {
  return api().on('train.event', (event) => {
    useTraining.getState().handle(event);
    useLessonRuns.getState().record(event);
  });
}
