/**
 * Per-layer weight-gradient norms, layers in network order on the x axis, log scale: a plain deep
 * net (or a sigmoid one) shows the early layers' gradients orders of magnitude smaller (the
 * vanishing-gradient lesson); a residual or ReLU net keeps them level. One run: a line per epoch.
 * Several runs shown: a line per run (its last epoch), in the run's colour, so they compare.
 */
import type uPlot from 'uplot';
import { useShownRuns } from './CurveCharts';
import { colourOf, useTraining, type Run } from './trainingStore';
import { UPlotChart } from './UPlotChart';

const EPOCH_COLOURS = ['#c7d2fe', '#a5b4fc', '#818cf8', '#6366f1', '#4f46e5', '#4338ca', '#3730a3'];

/** Layers with a norm in any run, in the graph's order first, then any others in the order met. */
function layersOf(runs: readonly Run[], order: readonly string[]): string[] {
  const seen = new Set(runs.flatMap((r) => r.curves.gradientNorms.flatMap((n) => Object.keys(n))));
  return [...order.filter((id) => seen.has(id)), ...[...seen].filter((id) => !order.includes(id))];
}

function perEpoch(run: Run, layers: readonly string[]) {
  const norms = run.curves.gradientNorms;
  const shown = norms.slice(-EPOCH_COLOURS.length);
  const first = norms.length - shown.length;
  const series: uPlot.Series[] = shown.map((_, i) => ({
    label: `epoch ${first + i + 1}`,
    stroke: EPOCH_COLOURS[EPOCH_COLOURS.length - shown.length + i],
    width: 2,
    points: { show: true, size: 6 },
  }));
  return { series, rows: shown.map((n) => layers.map((id) => n[id] ?? null)) };
}

function perRun(runs: readonly Run[], all: readonly Run[], layers: readonly string[]) {
  const series: uPlot.Series[] = runs.map((r) => ({
    label: r.label,
    stroke: colourOf(all, r.runId),
    width: 2.2,
    points: { show: true, size: 6 },
  }));
  return { series, rows: runs.map((r) => layers.map((id) => r.curves.gradientNorms.at(-1)?.[id] ?? null)) };
}

export function GradientNormsChart({ order }: { order: readonly string[] }) {
  const tick = useTraining((s) => s.tick);
  const all = useTraining((s) => s.runs);
  const runs = useShownRuns().filter((r) => r.curves.gradientNorms.length > 0);
  const layers = layersOf(runs, order);
  if (runs.length === 0 || layers.length === 0) return null;
  const { series, rows } = runs.length === 1 ? perEpoch(runs[0]!, layers) : perRun(runs, all, layers);
  const data = (): uPlot.AlignedData => [layers.map((_, i) => i), ...rows];
  return (
    <div className="dock-cell gradient-norms">
      <UPlotChart
        title={runs.length === 1 ? 'Gradient norm per layer (log)' : 'Gradient norm per layer, last epoch (log)'}
        series={series}
        data={data}
        tick={tick}
        testId="gradient-chart"
        xLabel="layer"
        logY
        xNames={layers}
        fill
      />
      <p className="chart-note" title={layers.join(' → ')}>
        Input side on the left. Much smaller norms in early layers mean their gradients vanish.
      </p>
    </div>
  );
}
