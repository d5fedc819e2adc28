/**
 * The sample the feature maps are computed for: a test sample of the graph's dataset (step through
 * them, type a number, or draw one at random; a misclassified test image in the run's results picks
 * itself from there) or an image file, shown as the net receives it, with its class.
 */
import { useEffect, useRef, useState } from 'react';
import type { FeatureMapsAnswer } from '../../../electron/api/contract';
import { drawPixels } from '../training/drawPixels';
import { stepSample, useFeatureMaps } from './featureMapStore';
import { imageSample } from './imageSample';

/** Whether the dataset's images are light strokes on a dark ground (MNIST): its sample's border is dark. */
function lightOnDark(sample: FeatureMapsAnswer['sample'] | undefined): boolean {
  if (!sample || sample.index === null || sample.shape.length !== 3) return true;
  const [h = 0, w = 0, c = 1] = sample.shape;
  let sum = 0;
  for (let x = 0; x < w; x++) sum += sample.pixels[x * c]! + sample.pixels[((h - 1) * w + x) * c]!;
  return sum / (2 * w) < 128;
}

export function SamplePicker({ inputShape }: { inputShape: readonly number[] | null }) {
  const choice = useFeatureMaps((s) => s.sample);
  const shown = useFeatureMaps((s) => s.answer?.sample);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [typed, setTyped] = useState<string | null>(null);
  const testCount = shown?.testCount ?? 0;

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !shown || shown.shape.length !== 3) return;
    const scale = Math.max(1, Math.floor(84 / Math.max(shown.shape[0]!, shown.shape[1]!)));
    ctx.canvas.width = shown.shape[1]! * scale;
    ctx.canvas.height = shown.shape[0]! * scale;
    drawPixels(ctx, shown.pixels, shown.shape, scale);
  }, [shown]);

  const pick = async (file: File | undefined) => {
    if (!file || !inputShape) return;
    try {
      useFeatureMaps.getState().setSample(await imageSample(file, inputShape, lightOnDark(shown)));
      setProblem(null);
    } catch (err) {
      setProblem((err as Error).message);
    }
  };
  const commitTyped = () => {
    if (typed === null) return;
    const n = Number(typed);
    setTyped(null);
    if (Number.isInteger(n) && n >= 0 && (testCount === 0 || n < testCount))
      useFeatureMaps.getState().setSample({ kind: 'test', index: n });
    else setProblem(`Test samples are numbered 0 to ${Math.max(0, testCount - 1)}`);
  };
  const index = choice.kind === 'test' ? choice.index : null;

  return (
    <div className="sample-picker" data-testid="sample-picker">
      <canvas ref={canvas} className="sample-image" data-testid="sample-image" width={84} height={84} />
      <div className="sample-controls">
        <div className="sample-name" data-testid="sample-name">
          {shown ? shown.name : choice.kind === 'test' ? `Test sample ${choice.index}` : choice.name}
          {shown?.className !== null && shown?.className !== undefined && (
            <>
              {' '}
              · class <strong>{shown.className}</strong>
            </>
          )}
        </div>
        <div className="sample-buttons">
          <button data-testid="sample-prev" title="The test sample before" onClick={() => stepSample(-1)}>
            ◀
          </button>
          <input
            className="sample-index"
            data-testid="sample-index"
            aria-label="Test sample number"
            value={typed ?? (index === null ? '' : String(index))}
            placeholder="#"
            onChange={(e) => setTyped(e.target.value)}
            onBlur={commitTyped}
            onKeyDown={(e) => e.key === 'Enter' && commitTyped()}
          />
          <button data-testid="sample-next" title="The next test sample" onClick={() => stepSample(1)}>
            ▶
          </button>
          <button
            data-testid="sample-random"
            title="A test sample at random"
            disabled={testCount === 0}
            onClick={() => useFeatureMaps.getState().setSample({ kind: 'test', index: Math.floor(Math.random() * testCount) })}
          >
            Random
          </button>
          <label className="button-like" title="Your own image, scaled to the input's size">
            Image…
            <input
              type="file"
              accept="image/*"
              data-testid="sample-file"
              hidden
              onChange={(e) => {
                void pick(e.target.files?.[0]);
                e.target.value = '';
              }}
            />
          </label>
        </div>
        {problem && (
          <p className="map-problem" data-testid="sample-problem">
            {problem}
          </p>
        )}
      </div>
    </div>
  );
}
