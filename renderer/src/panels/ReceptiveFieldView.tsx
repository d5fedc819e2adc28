/**
 * What one unit of the selected layer sees: the input drawn as a sample from the graph's dataset
 * (after a run, a test digit the network got wrong; else the dataset's first sample; as a grid
 * when neither fits the input), the unit's field outlined, its size and jump given. Move the unit
 * to see the field slide by `jump` pixels.
 */
import { useEffect, useRef, useState } from 'react';
import type { NodeId } from '../../../engine/graph/types';
import { checkOfState } from '../store/checkCache';
import { useEditor } from '../store/editorStore';
import { useTraining } from '../training/trainingStore';
import { EMBEDDED_MNIST } from '../training/DatasetPicker';
import { drawPixels } from '../training/drawPixels';
import { useDatasetSample } from './useDatasetSample';

const VIEW = 224;

export function fieldBox(
  field: { size: readonly number[]; jump: readonly number[]; start: readonly number[] },
  unit: readonly [number, number],
) {
  const top = field.start[0]! + unit[0] * field.jump[0]! - (field.size[0]! - 1) / 2;
  const left = field.start[1]! + unit[1] * field.jump[1]! - (field.size[1]! - 1) / 2;
  return { top, left, height: field.size[0]!, width: field.size[1]! };
}

export function ReceptiveFieldView({ nodeId }: { nodeId: NodeId }) {
  const doc = useEditor((s) => s.doc);
  const check = useEditor(checkOfState);
  const report = check.nodes[nodeId];
  const inputShape = check.inputId ? check.nodes[check.inputId]?.outputShape : null;
  const source = useEditor((s) => String((s.doc.dataset as { source?: unknown } | undefined)?.source ?? EMBEDDED_MNIST));
  const fitsInput = (shape: readonly number[] | undefined) =>
    !!shape && !!inputShape && shape.length === inputShape.length && shape.every((d, i) => d === inputShape[i]);
  const runSample = useTraining((s) => s.sample);
  const fromRun = runSample && fitsInput(runSample.shape) ? runSample : null;
  const fetched = useDatasetSample(source, fromRun === null && !!inputShape && inputShape.length === 3);
  const datasetSample = fetched && 'sample' in fetched && fitsInput(fetched.sample.shape) ? fetched.sample : null;
  const sample = fromRun ?? datasetSample;
  const canvas = useRef<HTMLCanvasElement>(null);
  const out = report?.outputShape ?? [1, 1];
  const [unit, setUnit] = useState<[number, number]>([Math.floor((out[0] ?? 1) / 2), Math.floor((out[1] ?? 1) / 2)]);
  const field = report?.receptiveField;
  const clamped: [number, number] = [Math.min(unit[0], (out[0] ?? 1) - 1), Math.min(unit[1], (out[1] ?? 1) - 1)];

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !field || !inputShape || inputShape.length !== 3) return;
    const [h, w] = inputShape as [number, number, number];
    const cell = VIEW / Math.max(h, w);
    ctx.clearRect(0, 0, VIEW, VIEW);
    const fits = sample !== null;
    if (sample) drawPixels(ctx, sample.pixels, sample.shape, cell);
    else {
      ctx.fillStyle = '#f8fafc';
      ctx.fillRect(0, 0, w * cell, h * cell);
    }
    if (cell >= 4) {
      ctx.strokeStyle = fits ? 'rgba(255,255,255,0.15)' : '#e2e8f0';
      ctx.lineWidth = 1;
      for (let i = 0; i <= h; i++) ctx.strokeRect(0, i * cell, w * cell, 0);
      for (let j = 0; j <= w; j++) ctx.strokeRect(j * cell, 0, 0, h * cell);
    }
    const box = fieldBox(field, clamped);
    ctx.fillStyle = 'rgba(99, 102, 241, 0.28)';
    ctx.strokeStyle = '#4f46e5';
    ctx.lineWidth = 2;
    ctx.fillRect(box.left * cell, box.top * cell, box.width * cell, box.height * cell);
    ctx.strokeRect(box.left * cell, box.top * cell, box.width * cell, box.height * cell);
    // The unit's centre.
    ctx.fillStyle = '#f97316';
    const cy = (box.top + (box.height - 1) / 2 + 0.5) * cell;
    const cx = (box.left + (box.width - 1) / 2 + 0.5) * cell;
    ctx.beginPath();
    ctx.arc(cx, cy, Math.max(3, cell / 3), 0, Math.PI * 2);
    ctx.fill();
  }, [field, inputShape, sample, clamped[0], clamped[1]]);

  if (!field || !inputShape || inputShape.length !== 3) return null;
  const box = fieldBox(field, clamped);
  const outside = box.top < 0 || box.left < 0 || box.top + box.height > inputShape[0]! || box.left + box.width > inputShape[1]!;
  return (
    <section className="rf-view" data-testid="rf-view">
      <h3>Receptive field</h3>
      <canvas
        ref={canvas}
        width={VIEW}
        height={VIEW}
        className="rf-canvas"
        data-testid="rf-canvas"
        data-picture={fromRun ? 'run' : datasetSample ? 'dataset' : 'grid'}
      />
      <p className="rf-caption muted" data-testid="rf-caption">
        {fromRun
          ? 'A test digit the last run misclassified.'
          : datasetSample
            ? `The first test sample of ${source}: ${datasetSample.className}.`
            : fetched && 'error' in fetched
              ? `Input grid. ${fetched.error.replace(/\.$/, '')}.`
              : fetched
                ? `Input grid (${source}'s samples are ${fetched.sample.shape.join('×')}, the input is ${inputShape.join('×')}).`
                : 'Input grid.'}
      </p>
      <p className="rf-facts">
        Unit ({clamped[0]}, {clamped[1]}) of {out[0]}×{out[1]} sees{' '}
        <b>
          {field.size[0]}×{field.size[1]}
        </b>{' '}
        input pixels; neighbouring units are <b>{field.jump[0]}</b> px apart.{outside && ' Part of its field lies in the zero padding.'}
      </p>
      <label className="rf-slider">
        row
        <input
          type="range"
          min={0}
          max={(out[0] ?? 1) - 1}
          value={clamped[0]}
          onChange={(e) => setUnit([Number(e.target.value), clamped[1]])}
        />
      </label>
      <label className="rf-slider">
        column
        <input
          type="range"
          min={0}
          max={(out[1] ?? 1) - 1}
          value={clamped[1]}
          onChange={(e) => setUnit([clamped[0], Number(e.target.value)])}
        />
      </label>
    </section>
  );
}
