/**
 * One node's output for the sample: a spatial map as a grid of small images, one per channel, all on
 * one colour scale (its range shown under the grid); a vector as bars, with the class names when it
 * has one value per class (the net's output).
 */
import { useEffect, useMemo, useRef } from 'react';
import type { NodeMap } from '../../../engine/inspect/protocol';
import { gridColumns, mapPicture, scaleColour } from '../../../engine/inspect/picture';
import { formatShape } from '../../../engine/layers/spec';

/** A number short enough for a scale's end. */
const short = (v: number) =>
  Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : Number(v.toPrecision(3)).toString();

/** The largest whole enlargement that keeps the grid within `width` pixels (at least 1, at most 8). */
function fitScale(shape: readonly number[], width: number): number {
  const [, w = 1, c = 1] = shape;
  const cols = gridColumns(c);
  return Math.max(1, Math.min(8, Math.floor((width - cols - 1) / (cols * w))));
}

function Scale({ min, max }: { min: number; max: number }) {
  const diverging = min < 0 && max > 0;
  const m = Math.max(-min, max);
  const [lo, hi] = diverging ? [-m, m] : [min, max];
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const [r, g, b] = scaleColour(lo + t * (hi - lo), lo, hi);
    return `rgb(${r},${g},${b}) ${t * 100}%`;
  });
  return (
    <div className="map-scale" data-testid="map-scale" title="One colour scale for every channel of this node">
      <span>{short(lo)}</span>
      <i style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} />
      <span>{short(hi)}</span>
    </div>
  );
}

function Grid({ map, width }: { map: Extract<NodeMap, { values: number[] }>; width: number }) {
  const picture = useMemo(
    () => mapPicture({ ...map, values: Float32Array.from(map.values) }, { scale: fitScale(map.shape, width) }),
    [map, width],
  );
  return <PictureCanvas picture={picture} testId={`map-canvas-${map.nodeId}`} />;
}

function Bars({ map, classNames }: { map: Extract<NodeMap, { values: number[] }>; classNames: readonly string[] }) {
  const named = classNames.length === map.values.length && map.values.length <= 30;
  const top = Math.max(map.max, 0);
  const bottom = Math.min(map.min, 0);
  const span = top - bottom || 1;
  const best = map.values.indexOf(map.max);
  const picture = useMemo(
    () =>
      named
        ? null
        : mapPicture(
            { ...map, values: Float32Array.from(map.values) },
            { scale: Math.max(1, Math.min(12, Math.floor(330 / map.values.length))) },
          ),
    [map, named],
  );
  if (picture)
    return (
      <>
        <PictureCanvas picture={picture} testId={`map-canvas-${map.nodeId}`} />
        <p className="map-range muted">
          {short(map.min)} … {short(map.max)} <span>(red ≥ 0, blue &lt; 0)</span>
        </p>
      </>
    );
  return (
    <div className="map-bars" data-testid={`map-bars-${map.nodeId}`}>
      {map.values.map((v, i) => (
        <div key={i} className={`map-bar${i === best ? ' best' : ''}`}>
          <span className="map-bar-name">{classNames[i]}</span>
          <span className="map-bar-track">
            <i
              className={v < 0 ? 'neg' : ''}
              style={{ left: `${((Math.min(v, 0) - bottom) / span) * 100}%`, width: `${(Math.abs(v) / span) * 100}%` }}
            />
          </span>
          <span className="map-bar-value">{short(v)}</span>
        </div>
      ))}
    </div>
  );
}

function PictureCanvas({ picture, testId }: { picture: { width: number; height: number; rgba: Uint8Array }; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (ctx) ctx.putImageData(new ImageData(new Uint8ClampedArray(picture.rgba), picture.width, picture.height), 0, 0);
  }, [picture]);
  return <canvas ref={canvas} className="map-grid" data-testid={testId} width={picture.width} height={picture.height} />;
}

export function NodeMapView({
  map,
  label,
  classNames,
  width,
}: {
  map: NodeMap;
  label: string;
  classNames: readonly string[];
  width: number;
}) {
  const spatial = map.shape.length === 3;
  const what = spatial
    ? `${map.shape[2]} channel${map.shape[2] === 1 ? '' : 's'} of ${map.shape[0]}×${map.shape[1]}`
    : `${map.shape[0]} value${map.shape[0] === 1 ? '' : 's'}`;
  return (
    <figure className="node-map" data-testid={`node-map-${map.nodeId}`} style={{ maxWidth: width }}>
      <figcaption>
        <strong>{label}</strong> <span className="muted">{map.type}</span>
        <br />
        <span className="muted" title={formatShape(map.shape)}>
          {what}
        </span>
      </figcaption>
      {'tooLarge' in map ? (
        <p className="map-problem" data-testid="map-too-large">
          {map.tooLarge}
        </p>
      ) : (
        <>
          {spatial ? <Grid map={map} width={width} /> : <Bars map={map} classNames={classNames} />}
          {spatial && <Scale min={map.min} max={map.max} />}
        </>
      )}
    </figure>
  );
}
