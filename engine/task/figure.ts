/**
 * A run's results in words, by its task: a classifier's test accuracy, else the task's headline
 * metric by name (mean IoU, PSNR), so a segmentation's pixel accuracy is never shown as an
 * "accuracy". Shared by the runs table, the export dialog and the exported README. Pure.
 */
import type { TaskId } from './ids';
import { METRICS, type MetricId } from './metrics';
import { TASKS } from './registry';

/** A metric's value as shown: a percentage, decibels, or a number. */
export function metricFigure(id: MetricId, value: number, digits = 2): string {
  const unit = METRICS[id].unit;
  return unit === 'fraction'
    ? `${(value * 100).toFixed(digits)}%`
    : unit === 'dB'
      ? `${value.toFixed(digits)} dB`
      : value.toPrecision(digits + 2);
}

/** The test results a run reports (its `done` metrics, or a kept record's). */
export interface TestResults {
  readonly testAccuracy: number | null;
  readonly test?: Readonly<Partial<Record<MetricId, number>>>;
}

/** The task's headline test figure and its name ("97.40%", "accuracy"; "14.20%", "mean IoU"), or null when the run has none. */
export function headlineTest(task: TaskId, results: TestResults | null | undefined, digits = 2): { figure: string; label: string } | null {
  const id = TASKS[task].metrics[0]!;
  const value = id === 'accuracy' ? results?.testAccuracy : results?.test?.[id];
  if (value === null || value === undefined) return null;
  return { figure: metricFigure(id, value, digits), label: METRICS[id].label };
}

/** "97.40% test accuracy", "14.20% test mean IoU", "12.26 dB test PSNR"; or "no test result". */
export function testFigureText(task: TaskId, results: TestResults | null | undefined): string {
  const h = headlineTest(task, results);
  return h ? `${h.figure} test ${h.label}` : `no test ${METRICS[TASKS[task].metrics[0]!].label}`;
}
