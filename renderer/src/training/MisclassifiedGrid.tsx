/** Test samples the net got wrong, each with its true and predicted label: the lecture's "82 errors made by LeNet-5". Click one to see the feature maps for it. */
import { useEffect, useRef } from 'react';
import type { MisclassifiedSample } from '../../../engine/train/protocol';
import { useUi } from '../app/uiStore';
import { useFeatureMaps } from '../inspect/featureMapStore';
import { drawPixels } from './drawPixels';

function Sample({ sample, classNames }: { sample: MisclassifiedSample; classNames: readonly string[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [h = 28, w = 28] = sample.shape;
  const scale = Math.max(1, Math.floor(56 / Math.max(h, w)));
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (ctx) drawPixels(ctx, sample.pixels, sample.shape, scale);
  }, [sample, scale]);
  const name = (i: number) => classNames[i] ?? String(i);
  return (
    <figure
      className="mistake"
      data-testid={`mistake-${sample.index}`}
      title={`confidence ${(sample.confidence * 100).toFixed(0)}%; click to see the feature maps for it`}
      onClick={() => {
        useFeatureMaps.getState().setSample({ kind: 'test', index: sample.index });
        useUi.getState().setTab('maps');
      }}
    >
      <canvas ref={canvas} width={w * scale} height={h * scale} />
      <figcaption>
        <span className="truth">{name(sample.label)}</span>→<span className="predicted">{name(sample.predicted)}</span>
      </figcaption>
    </figure>
  );
}

export function MisclassifiedGrid({ samples, classNames }: { samples: readonly MisclassifiedSample[]; classNames: readonly string[] }) {
  if (samples.length === 0) return <p className="muted">No misclassified test samples.</p>;
  return (
    <div>
      <h4>
        Misclassified test samples <span className="muted">(true → predicted)</span>
      </h4>
      <div className="mistakes" data-testid="misclassified">
        {samples.map((s) => (
          <Sample key={s.index} sample={s} classNames={classNames} />
        ))}
      </div>
    </div>
  );
}
