/**
 * New, open, save, save as, templates. Only the host touches files; native dialogs where the host
 * has them, the in-page path dialog where it answers `unsupported`. Unsaved work is never
 * discarded without asking.
 */
import { parseGraph, serializeGraph } from '../../../engine/graph/load';
import { emptyGraph, type GraphDoc } from '../../../engine/graph/types';
import type { ExportTarget } from '../../../electron/api/contract';
import { askForPath, useUi } from '../app/uiStore';
import { exportRunId, weightsLabel } from '../code/exportWeights';
import { zoomToFitSoon } from '../canvas/flowInstance';
import { api, messageOf } from '../host/api';
import { autoLayout } from '../layout/autoLayout';
import { useLessonRuns } from '../lesson/lessonRuns';
import { loadDocument } from '../store/actions';
import { editorStore, isDirty } from '../store/editorStore';

/** What the in-page file chooser lists besides folders. */
const GRAPH_FILES = ['.json'];
const MODEL_FILES = ['.onnx', '.json'];

const notify = (text: string, kind: 'info' | 'error' = 'info') => useUi.getState().notify(text, kind);

/** True when there is nothing unsaved, or the user agrees to lose it. */
export function confirmDiscard(): boolean {
  const s = editorStore().getState();
  if (!isDirty(s)) return true;
  return window.confirm(`"${s.doc.name}" has unsaved changes. Discard them?`);
}

function install(doc: GraphDoc, path: string | null): void {
  const store = editorStore().getState();
  store.perform(loadDocument, { doc });
  store.markSaved(path);
  // A lesson opens on its instructions; another graph's lesson runs no longer apply.
  useLessonRuns.getState().clear();
  if (doc.lesson) useUi.getState().setTab('lesson');
  zoomToFitSoon();
}

export function newGraph(): void {
  if (!confirmDiscard()) return;
  install(emptyGraph('Untitled'), null);
}

export async function openPath(path: string): Promise<boolean> {
  try {
    const { text } = await api().request('file.read', { path });
    const parsed = parseGraph(text);
    if (!parsed.ok) {
      notify(`Could not open ${path}: ${parsed.error}`, 'error');
      return false;
    }
    install(parsed.doc, path);
    notify(`Opened ${path}`);
    return true;
  } catch (err) {
    notify(`Could not open ${path}: ${messageOf(err)}`, 'error');
    return false;
  }
}

export async function openGraph(): Promise<void> {
  if (!confirmDiscard()) return;
  try {
    const answer = await api().request('file.openDialog', { kind: 'graph' });
    const path = answer.unsupported ? await askForPath('open', 'Open a graph', undefined, GRAPH_FILES) : answer.path;
    if (path) await openPath(path);
  } catch (err) {
    notify(`Could not open: ${messageOf(err)}`, 'error');
  }
}

/** An ONNX model or a Keras model JSON as a new, unsaved graph (laid out); the host does the reading and converting. */
export async function importModelFile(): Promise<boolean> {
  if (!confirmDiscard()) return false;
  try {
    const answer = await api().request('file.openDialog', { kind: 'model' });
    const path = answer.unsupported
      ? await askForPath('open', 'Import a model: ONNX (.onnx) or Keras model JSON', undefined, MODEL_FILES)
      : answer.path;
    if (!path) return false;
    const imported = await api().request('file.import', { path });
    const parsed = parseGraph(imported.text);
    if (!parsed.ok) {
      notify(`Could not import ${path}: ${parsed.error}`, 'error');
      return false;
    }
    install({ ...parsed.doc, layout: await autoLayout(parsed.doc) }, null);
    const notes = [
      ...imported.notes,
      ...(imported.hadWeights ? ['its weights are not loaded here ("netcanvas import" saves them as a checkpoint)'] : []),
    ];
    notify(`Imported ${imported.path}${notes.length ? `. Note: ${notes.join('; ')}` : ''}`);
    return true;
  } catch (err) {
    notify(`Could not import: ${messageOf(err)}`, 'error');
    return false;
  }
}

async function writeTo(path: string): Promise<boolean> {
  const store = editorStore().getState();
  const doc = store.doc;
  try {
    const written = await api().request('file.write', { path, text: serializeGraph(doc) });
    // Mark exactly what was written as saved, even if an edit landed while writing.
    editorStore().setState({ savedDoc: doc, filePath: written.path });
    void api()
      .request('recovery.clear', {})
      .catch(() => {});
    notify(`Saved ${written.path}`);
    return true;
  } catch (err) {
    notify(`Could not save to ${path}: ${messageOf(err)}`, 'error');
    return false;
  }
}

export async function saveGraphAs(): Promise<boolean> {
  const { doc } = editorStore().getState();
  const defaultName = `${doc.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'graph'}.json`;
  try {
    const answer = await api().request('file.saveDialog', { defaultName, kind: 'graph' });
    const path = answer.unsupported ? await askForPath('save', 'Save the graph as', defaultName, GRAPH_FILES) : answer.path;
    return path ? await writeTo(path) : false;
  } catch (err) {
    notify(`Could not save: ${messageOf(err)}`, 'error');
    return false;
  }
}

export async function saveGraph(): Promise<boolean> {
  const { filePath } = editorStore().getState();
  return filePath ? writeTo(filePath) : saveGraphAs();
}

/** A template, or a lesson (its Lesson panel opens), from the gallery; unsaved, so Save asks where. */
export async function loadTemplate(id: string, kind: 'template' | 'lesson' = 'template'): Promise<boolean> {
  if (!confirmDiscard()) return false;
  try {
    const { text } = await api().request(kind === 'lesson' ? 'lessons.read' : 'templates.read', { id });
    const parsed = parseGraph(text);
    if (!parsed.ok) {
      notify(`The ${kind} "${id}" is broken: ${parsed.error}`, 'error');
      return false;
    }
    install(parsed.doc, null);
    return true;
  } catch (err) {
    notify(`Could not load the ${kind} "${id}": ${messageOf(err)}`, 'error');
    return false;
  }
}

/**
 * Writes one exporter's files: a folder for several files, a file for one (ONNX). The weights are
 * the active run's trained ones when it saved them (`runId`), and the notice says which were written.
 * `graph`: export another graph than the one open (a run's own, for "Export trained model").
 */
export async function exportGraphTo(target: ExportTarget, opts: { runId?: string; graph?: GraphDoc } = {}): Promise<boolean> {
  const doc = opts.graph ?? editorStore().getState().doc;
  const runId = 'runId' in opts ? opts.runId : exportRunId();
  const base = doc.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'graph';
  const defaultName = target === 'onnx' ? `${base}.onnx` : `${base}-${target}`;
  try {
    const answer = await api().request('file.saveDialog', { defaultName, kind: 'export' });
    const path = answer.unsupported
      ? await askForPath('save', `Export to ${target} (a folder for code, a file for ONNX)`, defaultName)
      : answer.path;
    if (!path) return false;
    const graph = doc as unknown as Record<string, unknown>;
    const { paths, weights } = await api().request('export.write', { graph, target, path, ...(runId ? { runId } : {}) });
    const where = paths.length === 1 ? `Exported ${paths[0]}` : `Exported ${paths.length} files to ${path}`;
    notify(`${where} with the ${weightsLabel(weights)}`);
    return true;
  } catch (err) {
    notify(`Could not export: ${messageOf(err)}`, 'error');
    return false;
  }
}

/** "Export trained model" in a run's results: the graph that run trained, with its trained weights. */
export async function exportTrainedRun(runId: string, target: ExportTarget = 'pytorch'): Promise<boolean> {
  try {
    const record = await api().request('runs.read', { runId });
    return await exportGraphTo(target, { runId, graph: record.graph });
  } catch (err) {
    notify(`Could not export the run: ${messageOf(err)}`, 'error');
    return false;
  }
}
