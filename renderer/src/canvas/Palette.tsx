/** Every layer kind, grouped by the catalogue's categories: drag one onto the canvas (or onto an edge, to put it in), or click to add it in free space in the middle. */
import { LAYERS } from '../../../engine/layers/registry';
import { CATEGORIES, type AnyLayerSpec } from '../../../engine/layers/spec';
import { addNode } from '../store/actions';
import { editorStore, useEditor } from '../store/editorStore';
import { freeSpotFor } from '../layout/freeSpace';
import { viewCentre } from './flowInstance';

export const PALETTE_MIME = 'application/x-netcanvas-layer';

const GROUPS = CATEGORIES.map((c) => ({
  ...c,
  layers: (Object.values(LAYERS) as AnyLayerSpec[]).filter((l) => l.category === c.id),
}));

export function Palette() {
  // A lesson's palette: the node types its students may add (instructor mode shows them all).
  const allowed = useEditor((s) => (s.instructor ? undefined : s.doc.lesson?.palette));
  const only = allowed ? new Set(allowed) : null;
  const groups = GROUPS.map((g) => ({ ...g, layers: only ? g.layers.filter((l) => only.has(l.type)) : g.layers })).filter(
    (g) => g.layers.length > 0,
  );
  return (
    <aside className="palette" aria-label="Layers">
      <h2 className="panel-title">Layers</h2>
      {only && (
        <p className="palette-note" data-testid="palette-note">
          {only.size === 0 ? 'This lesson adds no layers: change the ones on the canvas.' : 'This lesson’s layers:'}
        </p>
      )}
      {groups.map((group) => (
        <section key={group.id} className="palette-group">
          <h3>{group.label}</h3>
          {group.layers.map((layer) => (
            <button
              key={layer.type}
              className={`palette-item cat-${group.id}`}
              data-testid={`palette-${layer.type}`}
              draggable
              title={layer.doc}
              onDragStart={(e) => {
                e.dataTransfer.setData(PALETTE_MIME, layer.type);
                e.dataTransfer.effectAllowed = 'copy';
              }}
              onClick={() => {
                const store = editorStore().getState();
                store.perform(addNode, { type: layer.type, position: freeSpotFor(store.doc, viewCentre()) });
              }}
            >
              <span className="palette-label">{layer.label}</span>
              <span className="palette-doc">{layer.doc}</span>
            </button>
          ))}
        </section>
      ))}
    </aside>
  );
}
