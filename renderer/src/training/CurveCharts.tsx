/**
 * Loss and accuracy of every run shown, overlaid: training per batch (thin), validation per epoch
 * (thick, with points), each run in its own colour. Any number of runs; the legend names them.
 */
import type uPlot from 'uplot';
import { alignLines, type Line } from './align';
import { UPlotChart } from './UPlotChart';
import { colourOf, runTask, useTraining, type Curves, type Run } from './trainingStore';

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

function seriesFor(runs: readonly Run[], all: readonly Run[]): uPlot.Series[] {
  return runs.flatMap((run): uPlot.Series[] => {
    const colour = colourOf(all, run.runId);
    return [
      { label: `${run.label} train`, stroke: `${colour}80`, width: 1.2, points: { show: false }, spanGaps: true },
      { label: `${run.label} validation`, stroke: colour, width: 2.4, points: { show: true, size: 7 }, spanGaps: true },
    ];
  });
}

/** The shown runs, in the order they were shown. */
export function useShownRuns(): Run[] {
  const runs = useTraining((s) => s.runs);
  const shown = useTraining((s) => s.shown);
  return shown.map((id) => runs.find((r) => r.runId === id)).filter((r): r is Run => r !== undefined && r.summary === null);
}

export function CurveCharts() {
  const tick = useTraining((s) => s.tick);
  const all = useTraining((s) => s.runs);
  const runs = useShownRuns();
  if (runs.length === 0) return <p className="muted dock-cell chart-empty">Tick a run on the left to draw its curves.</p>;
  const series = seriesFor(runs, all);
  const data = (metric: 'loss' | 'accuracy') => () => alignLines(runs.flatMap((r) => linesFor(r.curves, metric)));
  // Autoencoders have no accuracy (their PSNR is drawn with the task's views); segmentation's is per pixel.
  const tasks = new Set(runs.map(runTask));
  const accuracyTitle = tasks.size === 1 && tasks.has('segmentation') ? 'Pixel accuracy' : 'Accuracy';
  return (
    <>
      <div className="dock-cell">
        <UPlotChart title="Loss" series={series} data={data('loss')} tick={tick} testId="loss-chart" fill />
      </div>
      {!(tasks.size === 1 && tasks.has('reconstruction')) && (
        <div className="dock-cell">
          <UPlotChart
            title={accuracyTitle}
            series={series}
            data={data('accuracy')}
            tick={tick}
            yRange={[0, 1]}
            testId="accuracy-chart"
            fill
          />
        </div>
      )}
    </>
  );
}
