/**
 * A uPlot chart that redraws at most once per animation frame when `tick` changes. uPlot is made
 * for streaming: setData on a few thousand points costs well under a millisecond.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { yAxisSize } from './axis';

interface Props {
  readonly title: string;
  readonly series: readonly uPlot.Series[];
  readonly data: () => uPlot.AlignedData;
  readonly tick: number;
  readonly height?: number;
  readonly yRange?: [number, number];
  readonly testId?: string;
  readonly xLabel?: string;
  /** Log-scaled y (gradient norms span orders of magnitude). */
  readonly logY?: boolean;
  /** Tick labels for a categorical x axis (layer names). */
  readonly xNames?: readonly string[];
  /** Fill the box's height (the dock's chart cells): the plot takes what the title and legend leave. */
  readonly fill?: boolean;
}

export function UPlotChart({
  title,
  series,
  data,
  tick,
  height = 170,
  yRange,
  testId,
  xLabel = 'epoch',
  logY = false,
  xNames,
  fill = false,
}: Props) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const frame = useRef(0);
  const dataRef = useRef(data);
  dataRef.current = data;
  const seriesKey = series.map((s) => `${String(s.label)}:${String(s.stroke)}`).join('|');

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const opts: uPlot.Options = {
      title,
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false }, y: logY ? { distr: 3 } : yRange ? { range: yRange } : {} },
      axes: [
        {
          label: xLabel,
          stroke: '#64748b',
          grid: { stroke: '#eef2f7' },
          size: 36,
          ...(xNames ? { values: (_u: uPlot, ticks: number[]) => ticks.map((t) => (Number.isInteger(t) ? (xNames[t] ?? '') : '')) } : {}),
        },
        // As wide as its longest label (a loss of 10,000 needs more room than 0.5): never cut off.
        { stroke: '#64748b', grid: { stroke: '#eef2f7' }, size: yAxisSize },
      ],
      series: [{ label: xLabel }, ...series],
    };
    const u = new uPlot(opts, dataRef.current(), el);
    chart.current = u;
    const size = () => {
      if (!fill) return { width: Math.max(200, el.clientWidth), height };
      const around = [...u.root.querySelectorAll<HTMLElement>('.u-title, .u-legend')].reduce((sum, e) => sum + e.offsetHeight, 0);
      return { width: Math.max(160, el.clientWidth), height: Math.max(80, el.clientHeight - around - 6) };
    };
    u.setSize(size());
    const resize = new ResizeObserver(() => u.setSize(size()));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      chart.current = null;
    };
    // Rebuild only when the set of lines changes, not on every data point.
  }, [seriesKey, title, height, xLabel, logY, fill]);

  useEffect(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => chart.current?.setData(dataRef.current()));
    return () => cancelAnimationFrame(frame.current);
  }, [tick]);

  return <div className={fill ? 'chart chart-fill' : 'chart'} ref={host} data-testid={testId} />;
}
