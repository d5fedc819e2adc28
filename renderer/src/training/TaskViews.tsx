/**
 * What segmentation and autoencoder runs show besides the loss (engine/task views, streamed each
 * epoch and again at the end): the headline metric per epoch (mean IoU, PSNR); test images with
 * the true and predicted masks overlaid in a fixed colour per class, with a legend; IoU per class;
 * originals above reconstructions; and the test set's 2-D codes coloured by class. Shown in the
 * training dock's task tab for the active run: the pictures on the left, the curve and bars beside them.
 */
import { memo, useEffect, useRef } from 'react';
import { METRICS } from '../../../engine/task/metrics';
import { TASKS } from '../../../engine/task/registry';
import type { CodePoints, MaskSample, ReconstructionSample } from '../../../engine/train/protocol';
import { alignLines } from './align';
import { drawPixels } from './drawPixels';
import { UPlotChart } from './UPlotChart';
import { runTask, useTraining, type Run } from './trainingStore';

/** Class c's colour: background (0) none, then hues spaced by the golden angle so neighbours differ. */
export function classColour(c: number): [number, number, number] {
  const h = ((c - 1) * 137.508) % 360;
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (0.5 - 0.45 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}
const css = (c: number) => `rgb(${classColour(c).join(', ')})`;

/** The image in grey with the mask's classes painted over it (background left as it is). */
function drawMask(ctx: CanvasRenderingContext2D, sample: MaskSample, mask: readonly number[] | null, scale: number) {
  const [h = 0, w = 0, ch = 1] = sample.shape;
  drawPixels(ctx, sample.pixels, sample.shape, scale);
  if (!mask) return;
  const image = ctx.createImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    const grey = ch >= 3 ? (sample.pixels[i * ch]! + sample.pixels[i * ch + 1]! + sample.pixels[i * ch + 2]!) / 3 : sample.pixels[i]!;
    const [r, g, b] = mask[i]! > 0 ? classColour(mask[i]!) : [grey, grey, grey];
    const a = mask[i]! > 0 ? 0.75 : 1;
    image.data.set([r * a + grey * (1 - a), g * a + grey * (1 - a), b * a + grey * (1 - a), 255], i * 4);
  }
  const scratch = document.createElement('canvas');
  [scratch.width, scratch.height] = [w, h];
  scratch.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, 0, 0, w * scale, h * scale);
}

function Picture({
  draw,
  shape,
  title,
}: {
  draw: (ctx: CanvasRenderingContext2D, scale: number) => void;
  shape: readonly number[];
  title: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [h = 28, w = 28] = shape;
  const scale = Math.max(1, Math.floor(72 / Math.max(h, w)));
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (ctx) draw(ctx, scale);
  }, [draw, scale]);
  return <canvas ref={canvas} width={w * scale} height={h * scale} title={title} />;
}

/** Test images in labelled rows (image / true mask / predicted; original / reconstruction), one column per sample. */
function PictureRows<S extends { readonly index: number; readonly shape: readonly number[] }>(props: {
  rows: readonly string[];
  samples: readonly S[];
  testId: string;
  draw: (ctx: CanvasRenderingContext2D, sample: S, row: number, scale: number) => void;
}) {
  return (
    <div className="mask-grid" data-testid={props.testId}>
      {props.rows.map((row, r) => (
        <div className="mask-row" key={row}>
          <span className="muted mask-row-label">{row}</span>
          {props.samples.map((s) => (
            <Picture
              key={s.index}
              shape={s.shape}
              title={`test image ${s.index + 1}: ${row}`}
              draw={(ctx, scale) => props.draw(ctx, s, r, scale)}
            />
          ))}
        </div>
      ))}
    </div>
  );
}

function MaskGrid({ samples, classNames }: { samples: readonly MaskSample[]; classNames: readonly string[] }) {
  const present = [...new Set(samples.flatMap((s) => [...s.truth, ...s.predicted]))].filter((c) => c > 0).sort((a, b) => a - b);
  return (
    <div>
      <PictureRows
        rows={['image', 'true mask', 'predicted']}
        samples={samples}
        testId="mask-grid"
        draw={(ctx, s, r, scale) => drawMask(ctx, s, r === 0 ? null : r === 1 ? s.truth : s.predicted, scale)}
      />
      <div className="legend" data-testid="mask-legend">
        {present.map((c) => (
          <span key={c}>
            <i style={{ background: css(c) }} /> {classNames[c] ?? c}
          </span>
        ))}
      </div>
    </div>
  );
}

function ClassIoUBars({ ious, classNames }: { ious: readonly (number | null)[]; classNames: readonly string[] }) {
  return (
    <div className="iou-bars" data-testid="class-iou">
      <h4>IoU per class (test)</h4>
      {ious.map((v, c) => (
        <div key={c} className="iou-bar" title={v === null ? 'neither present nor predicted' : `${(100 * v).toFixed(1)}%`}>
          <span className="iou-name">{classNames[c] ?? c}</span>
          <span className="iou-track">
            <span style={{ width: `${100 * (v ?? 0)}%`, background: c === 0 ? '#94a3b8' : css(c) }} />
          </span>
          <span className="iou-value">{v === null ? '—' : `${(100 * v).toFixed(1)}%`}</span>
        </div>
      ))}
    </div>
  );
}

function Reconstructions({ samples }: { samples: readonly ReconstructionSample[] }) {
  return (
    <PictureRows
      rows={['original', 'reconstruction']}
      samples={samples}
      testId="reconstructions"
      draw={(ctx, s, r, scale) => drawPixels(ctx, r === 0 ? s.pixels : s.reconstruction, s.shape, scale)}
    />
  );
}

function CodeScatter({ codes, classNames }: { codes: CodePoints; classNames: readonly string[] }) {
  const size = 260;
  const draw = (ctx: CanvasRenderingContext2D) => {
    const span = (v: number[]) => [Math.min(...v), Math.max(...v) - Math.min(...v) || 1] as const;
    const [x0, xs] = span(codes.x);
    const [y0, ys] = span(codes.y);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, size, size);
    codes.x.forEach((x, i) => {
      ctx.fillStyle = codes.labels ? css(codes.labels[i]! + 1) : '#6366f1';
      ctx.fillRect(6 + ((x - x0) / xs) * (size - 12) - 1.5, size - 6 - ((codes.y[i]! - y0) / ys) * (size - 12) - 1.5, 3, 3);
    });
  };
  return (
    <div data-testid="code-scatter">
      <h4>
        Codes of {codes.x.length} test images at {codes.nodeId} <span className="muted">(2 units, coloured by class)</span>
      </h4>
      <Picture shape={[size, size]} title="codes" draw={draw} />
      {codes.labels && (
        <div className="legend">
          {classNames.map((n, c) => (
            <span key={c}>
              <i style={{ background: css(c + 1) }} /> {n}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}

/** The headline metric per epoch, training and validation. */
function MetricCurve({ run }: { run: Run }) {
  const tick = useTraining((s) => s.tick);
  const metric = METRICS[TASKS[runTask(run)].metrics[0]!];
  const c = run.curves;
  const series = [
    { label: 'train', stroke: '#6366f1', width: 2, points: { show: true, size: 6 }, spanGaps: true },
    { label: 'validation', stroke: '#f97316', width: 2, points: { show: true, size: 6 }, spanGaps: true },
  ];
  const data = () =>
    alignLines([
      { x: c.epochX.slice(0, c.trainMetric.length), y: c.trainMetric },
      { x: c.epochX.slice(0, c.validationMetric.length), y: c.validationMetric },
    ]);
  const title = `${metric.label[0]!.toUpperCase()}${metric.label.slice(1)}${metric.unit === 'dB' ? ' (dB)' : ''} per epoch`;
  return (
    <UPlotChart
      title={title}
      series={series}
      data={data}
      tick={tick}
      yRange={metric.unit === 'fraction' ? [0, 1] : undefined}
      // Short enough that the eleven IoU bars below it fit a 720-pixel-high window.
      height={130}
      testId="metric-chart"
    />
  );
}

const TASK_TITLE = {
  classification: '',
  segmentation: 'test images, true and predicted masks',
  reconstruction: 'originals and reconstructions',
} as const;

export const TaskViews = memo(function TaskViews({ run }: { run: Run }) {
  if (runTask(run) === 'classification') return null;
  const classNames = run.done?.classNames ?? run.started?.dataset.classNames ?? [];
  const shown = run.view;
  const when = shown ? (shown.epoch === null ? 'trained' : `after epoch ${shown.epoch}`) : '';
  return (
    <section className="task-views" data-testid="task-views">
      <h3>
        {run.label}: {TASK_TITLE[runTask(run)]} <span className="muted">({when || 'waiting for the first epoch'})</span>
      </h3>
      <div className="task-views-grid">
        {shown?.view.kind === 'masks' && (
          <div className="task-pictures">
            <MaskGrid samples={shown.view.samples} classNames={classNames} />
          </div>
        )}
        {shown?.view.kind === 'reconstructions' && (
          <div className="task-pictures">
            <Reconstructions samples={shown.view.samples} />
          </div>
        )}
        <div className="task-side">
          <MetricCurve run={run} />
          {run.done?.perClassIoU && <ClassIoUBars ious={run.done.perClassIoU} classNames={classNames} />}
          {shown?.view.kind === 'reconstructions' && shown.view.codes && <CodeScatter codes={shown.view.codes} classNames={classNames} />}
        </div>
      </div>
    </section>
  );
});
