/**
 * "Convolution as learned filters", seen: the kernels of each conv layer that reads the image,
 * drawn as pictures at the start of the run and after it. Each row has its own scale, centred on 0
 * (mid grey) and reaching its largest weight: the start's small random weights show their noise
 * rather than a flat grey beside the trained ones, and the row says how large its weights are.
 */
import { useEffect, useRef } from 'react';
import type { LayerFilters } from '../../../engine/train/protocol';
import { useEditor } from '../store/editorStore';
import { drawPixels } from './drawPixels';

/** Screen size of one filter picture, whatever the kernel size (a 5×5 filter: 11 px per weight). */
const PICTURE = 56;

/** Filter `f` of a layer as 0–255 bytes, channels-last, mapping [−scale, scale] to [0, 255]. */
function filterPixels(layer: LayerFilters, f: number, scale: number): number[] {
  const [kh, kw, inC, outC] = layer.shape;
  const pixels: number[] = [];
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let c = 0; c < inC; c++)
        pixels.push(Math.round(127.5 + (127.5 * (layer.values[((y * kw + x) * inC + c) * outC + f] ?? 0)) / scale));
  return pixels;
}

function Filter({ layer, index, scale }: { layer: LayerFilters; index: number; scale: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [kh, kw, inC] = layer.shape;
  const cell = Math.max(2, Math.floor(PICTURE / Math.max(kh, kw)));
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (ctx) drawPixels(ctx, filterPixels(layer, index, scale), [kh, kw, inC], cell);
  }, [layer, index, scale, kh, kw, inC, cell]);
  return <canvas ref={canvas} width={kw * cell} height={kh * cell} title={`filter ${index + 1}`} />;
}

const largest = (layer: LayerFilters) => Math.max(1e-12, ...layer.values.map(Math.abs));

function Row({ label, layer }: { label: string; layer: LayerFilters }) {
  const scale = largest(layer);
  return (
    <div className="filter-row">
      <span className="muted" title={`weights up to ±${scale.toPrecision(2)} in this row`}>
        {label}
        <small>±{scale.toPrecision(2)}</small>
      </span>
      {Array.from({ length: layer.shape[3] }, (_, f) => (
        <Filter key={f} layer={layer} index={f} scale={scale} />
      ))}
    </div>
  );
}

/**
 * Every layer in `now` (after an epoch while the run goes on, or trained: `epoch` null), below its
 * filters from `before` when known.
 */
export function FiltersView({
  before,
  now,
}: {
  before?: readonly LayerFilters[];
  now: { readonly epoch: number | null; readonly layers: readonly LayerFilters[] } | null;
}) {
  const nodes = useEditor((s) => s.doc.nodes);
  if (!now || now.layers.length === 0) return null;
  const { epoch } = now;
  return (
    <section data-testid="filters">
      {now.layers.map((trained) => {
        const initial = before?.find((b) => b.nodeId === trained.nodeId);
        const [kh, kw, , outC] = trained.shape;
        const name = nodes.find((n) => n.id === trained.nodeId)?.label ?? trained.nodeId;
        return (
          <div key={trained.nodeId} className="filters">
            <h4>
              What {name} {epoch == null ? 'learned' : 'is learning'}{' '}
              <span className="muted">
                ({outC} filters, {kh}×{kw}; mid grey is 0, lighter positive, darker negative; each row on its own scale)
              </span>
            </h4>
            {initial && <Row label="start" layer={initial} />}
            <Row label={epoch == null ? 'trained' : `epoch ${epoch}`} layer={trained} />
          </div>
        );
      })}
    </section>
  );
}
