/**
 * Keeps the editor's `dataset` in step with the dataset the graph trains on: the embedded ones are
 * known at once; for a path the host reads the first sample and the header (`dataset.sample`), so
 * the checker can hold the input and output against the real shape and classes before Train.
 */
import { datasetSourceOf, EMBEDDED_DATASETS } from '../../../engine/check/dataset';
import type { GraphDoc } from '../../../engine/graph/types';
import { askSample } from '../panels/useDatasetSample';
import { editorStore } from './editorStore';

export function installDatasetWatch(): () => void {
  const store = editorStore();
  let current: string | null = null;
  const update = (doc: GraphDoc) => {
    const source = datasetSourceOf(doc);
    if (source === current) return;
    current = source;
    const known = EMBEDDED_DATASETS[source];
    store.setState({ dataset: known ?? null, datasetProblem: null });
    if (known) return;
    void askSample(source).then((answer) => {
      if (source !== current) return; // the graph moved on to another dataset meanwhile
      if ('error' in answer) return store.setState({ dataset: null, datasetProblem: answer.error });
      const s = answer.sample;
      store.setState({
        dataset: { source, name: s.name, shape: s.shape, classes: s.classes, classNames: s.classNames, task: 'classification' },
        datasetProblem: null,
      });
    });
  };
  update(store.getState().doc);
  return store.subscribe((s, prev) => {
    if (s.doc !== prev.doc) update(s.doc);
  });
}
