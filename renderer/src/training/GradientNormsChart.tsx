/**
 * Per-layer weight-gradient norms, one line per epoch, layers in network order on the x axis,
 * log scale: a plain deep net shows the early layers' gradients orders of magnitude smaller
 * (the vanishing-gradient lesson); a residual net keeps them level.
 */
import { memo } from 'react';
import type uPlot from 'uplot';
import { UPlotChart } from './UPlotChart';

const EPOCH_COLOURS = ['#c7d2fe', '#a5b4fc', '#818cf8', '#6366f1', '#4f46e5', '#4338ca', '#3730a3'];

interface Props {
  /** Grows in place, one entry per epoch; `epochs` is its length and what re-renders the chart. */
  readonly norms: readonly Record<string, number>[];
  readonly epochs: number;
  readonly order: readonly string[];
}

export const GradientNormsChart = memo(function GradientNormsChart({ norms, epochs, order }: Props) {
  const layers = order.filter((id) => norms.some((n) => n[id] !== undefined));
  if (layers.length === 0) return null;
  const shown = norms.slice(-EPOCH_COLOURS.length);
  const first = norms.length - shown.length;
  const series: uPlot.Series[] = shown.map((_, i) => ({
    label: `epoch ${first + i + 1}`,
    stroke: EPOCH_COLOURS[EPOCH_COLOURS.length - shown.length + i],
    width: 2,
    points: { show: true, size: 6 },
  }));
  const data = (): uPlot.AlignedData => [layers.map((_, i) => i), ...shown.map((n) => layers.map((id) => n[id] ?? null))];
  return (
    <div className="gradient-norms">
      <UPlotChart
        title="Gradient norm per layer (log scale)"
        series={series}
        data={data}
        tick={epochs}
        height={160}
        testId="gradient-chart"
        xLabel="layer"
        logY
        xNames={layers}
      />
      <p className="chart-note">
        Layers left to right: {layers.join(' → ')}. Much smaller norms in early layers mean their gradients vanish.
      </p>
    </div>
  );
});
