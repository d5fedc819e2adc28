/** Which data to train on: the embedded MNIST, or a file or folder on the host (picked or typed), plus a sample limit for quick runs. */
import { memo, useState } from 'react';
import { formatShape } from '../../../engine/layers/spec';
import { allowPath, askForPath } from '../app/uiStore';
import { api, messageOf } from '../host/api';
import { CommitField } from '../panels/CommitField';
import { setDataset } from '../store/actions';
import { editorStore, useEditor } from '../store/editorStore';
import { useUi } from '../app/uiStore';

export const EMBEDDED_MNIST = 'embedded:mnist';

async function browse(kind: 'dataset-file' | 'dataset-folder') {
  try {
    const answer = await api().request('file.openDialog', { kind });
    const path = answer.unsupported
      ? await askForPath(
          kind === 'dataset-folder' ? 'folder' : 'open',
          kind === 'dataset-folder' ? 'Choose a dataset folder' : 'Choose a dataset file',
          undefined,
          kind === 'dataset-file' ? ['.csv', '.gz', '.idx', '-ubyte', '.ubyte', '.bin'] : undefined,
        )
      : answer.path;
    if (path) editorStore().getState().perform(setDataset, { source: path });
  } catch (err) {
    useUi.getState().notify(`Could not choose a dataset: ${messageOf(err)}`, 'error');
  }
}

/** What the checker knows of the dataset (its samples' shape and classes), or why it could not be read. */
function DatasetFacts() {
  const dataset = useEditor((s) => s.dataset);
  const problem = useEditor((s) => s.datasetProblem);
  if (problem)
    return (
      <p className="field-error" data-testid="dataset-facts">
        {problem}
      </p>
    );
  if (!dataset) return null;
  return (
    <p className="field-help" data-testid="dataset-facts">
      {dataset.name}: samples {formatShape(dataset.shape)}, {dataset.classes} classes. The graph is checked against them.
    </p>
  );
}

export const DatasetPicker = memo(function DatasetPicker({
  limit,
  setLimit,
}: {
  limit: number | undefined;
  setLimit: (n: number | undefined) => void;
}) {
  const source = useEditor((s) => String((s.doc.dataset as { source?: unknown } | undefined)?.source ?? EMBEDDED_MNIST));
  const [limitText, setLimitText] = useState(limit ? String(limit) : '');
  const embedded = source === EMBEDDED_MNIST;
  return (
    <section className="train-section">
      <h3>Dataset</h3>
      <div className="segmented">
        <button className={embedded ? 'on' : ''} onClick={() => editorStore().getState().perform(setDataset, { source: EMBEDDED_MNIST })}>
          Embedded MNIST
        </button>
        <button onClick={() => void browse('dataset-folder')}>Folder…</button>
        <button onClick={() => void browse('dataset-file')}>File…</button>
      </div>
      <CommitField
        key={source}
        label="Source"
        value={source}
        help="embedded:mnist, an IDX/CIFAR/image folder, or a .csv file on this machine"
        commit={(text) => ({ action: setDataset, args: { source: text } })}
        // A typed path is the user's choice too: the host is told before the graph uses it.
        prepare={async (text) => text.trim().startsWith('embedded:') || text.trim() === '' || (await allowPath(text.trim())) !== null}
      />
      <DatasetFacts />
      <label className="inline-field">
        Use at most
        <input
          data-testid="sample-limit"
          value={limitText}
          placeholder="all"
          inputMode="numeric"
          onChange={(e) => {
            setLimitText(e.target.value);
            const n = Number(e.target.value);
            setLimit(e.target.value.trim() && Number.isInteger(n) && n > 0 ? n : undefined);
          }}
        />
        training samples
      </label>
    </section>
  );
});
