/** Loss and accuracy: training per batch, validation per epoch; a second run overlaid dashed for comparison. */
import type uPlot from 'uplot';
import { alignLines, type Line } from './align';
import { UPlotChart } from './UPlotChart';
import { useTraining, type Curves, type Run } from './trainingStore';

const COLOURS = { train: '#6366f1', validation: '#f97316', compareTrain: '#94a3b8', compareValidation: '#eab308' };

function linesFor(curves: Curves, metric: 'loss' | 'accuracy'): [Line, Line] {
  return metric === 'loss'
    ? [
        { x: curves.batchX, y: curves.batchLoss },
        { x: curves.epochX, y: curves.validationLoss },
      ]
    : [
        { x: curves.batchX, y: curves.batchAccuracy },
        { x: curves.epochX, y: curves.validationAccuracy },
      ];
}

function seriesFor(run: Run, compare: Run | undefined): uPlot.Series[] {
  const points = { show: true, size: 7 };
  const series: uPlot.Series[] = [
    { label: `${run.label} train`, stroke: COLOURS.train, width: 1.5, points: { show: false }, spanGaps: true },
    { label: `${run.label} validation`, stroke: COLOURS.validation, width: 2, points, spanGaps: true },
  ];
  if (compare) {
    series.push(
      { label: `${compare.label} train`, stroke: COLOURS.compareTrain, width: 1.5, dash: [6, 4], points: { show: false }, spanGaps: true },
      { label: `${compare.label} validation`, stroke: COLOURS.compareValidation, width: 2, dash: [6, 4], points, spanGaps: true },
    );
  }
  return series;
}

export function CurveCharts({ run }: { run: Run }) {
  const tick = useTraining((s) => s.tick);
  const compare = useTraining((s) =>
    s.compareRunId && s.compareRunId !== run.runId ? s.runs.find((r) => r.runId === s.compareRunId) : undefined,
  );
  const series = seriesFor(run, compare);
  const data = (metric: 'loss' | 'accuracy') => () =>
    alignLines([...linesFor(run.curves, metric), ...(compare ? linesFor(compare.curves, metric) : [])]);
  return (
    <div className="charts">
      <UPlotChart title="Loss" series={series} data={data('loss')} tick={tick} testId="loss-chart" />
      <UPlotChart title="Accuracy" series={series} data={data('accuracy')} tick={tick} yRange={[0, 1]} testId="accuracy-chart" />
    </div>
  );
}
