/** Offers to restore the work a crash or closed tab left unsaved (`recovery.load`), once at start. */
import { useEffect, useState } from 'react';
import { parseGraph } from '../../../engine/graph/load';
import { zoomToFitSoon } from '../canvas/flowInstance';
import { api } from '../host/api';
import { loadDocument } from '../store/actions';
import { editorStore } from '../store/editorStore';

interface Found {
  readonly text: string;
  readonly path: string | null;
  readonly savedAt: string;
}

export function RecoveryBanner() {
  const [found, setFound] = useState<Found | null>(null);
  useEffect(() => {
    api()
      .request('recovery.load', {})
      .then((r) => r && parseGraph(r.text).ok && setFound(r))
      .catch(() => {});
  }, []);
  if (!found) return null;
  const parsed = parseGraph(found.text);
  if (!parsed.ok) return null;
  const restore = () => {
    const store = editorStore().getState();
    store.perform(loadDocument, { doc: parsed.doc });
    // Restored work is unsaved: keep the file path, but leave it dirty.
    editorStore().setState({ filePath: found.path });
    zoomToFitSoon();
    setFound(null);
  };
  const discard = () => {
    void api()
      .request('recovery.clear', {})
      .catch(() => {});
    setFound(null);
  };
  return (
    <div className="banner banner-recovery" role="alert" data-testid="recovery-banner">
      Unsaved work on “{parsed.doc.name}” from {new Date(found.savedAt).toLocaleString()} was recovered.
      <button className="primary" onClick={restore}>
        Restore
      </button>
      <button onClick={discard}>Discard</button>
    </div>
  );
}
