/** How `netcanvas train` shows events: a live bar on a terminal, one line per epoch otherwise. */
import { METRICS, type MetricId } from '../task/metrics';
import type { MetricValues, TrainerEvent } from '../train/protocol';

type Ev<T extends TrainerEvent['type']> = Extract<TrainerEvent, { type: T }>;

const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(2)}%`);
const num = (x: number | null, digits = 4) => (x === null ? '—' : x.toFixed(digits));
const rate = (x: number) => `${Math.round(x).toLocaleString('en-US')} samples/s`;

/** A task's metrics in words: "mean IoU 61.20%  pixel accuracy 95.10%", "PSNR 18.52 dB  MSE 0.0141". */
export function metricText(values: MetricValues | null | undefined, prefix = ''): string {
  if (!values) return '';
  const parts = (Object.keys(values) as MetricId[]).map((id) => {
    const v = values[id]!;
    const { label, unit } = METRICS[id];
    return `${prefix}${label} ${unit === 'fraction' ? pct(v) : unit === 'dB' ? `${v.toFixed(2)} dB` : v.toPrecision(4)}`;
  });
  return parts.map((p) => `  ${p}`).join('');
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${Math.round(seconds - 60 * m)
    .toString()
    .padStart(2, '0')}s`;
}

export function startedLines(e: Ev<'started'>): string[] {
  const d = e.dataset;
  const lines = [
    `backend: ${e.backend.name} — ${e.backend.detail}`,
    ...e.backend.skipped.map((s) => `  skipped ${s.name}: ${s.reason}`),
    `dataset: ${d.name}, ${d.shape.join('×')}, ${d.classNames.length} classes — ${d.trainCount} train / ${d.validationCount} validation / ${d.testCount} test`,
    `model: ${e.params.toLocaleString('en-US')} trainable params`,
  ];
  if (e.initFrom) {
    const r = e.initFrom;
    lines.push(`started from ${r.from}: loaded ${r.loaded.join(', ')}`);
    for (const s of r.skipped) lines.push(`  ${s.nodeId} starts fresh: ${s.reason}`);
    if (r.unused.length > 0) lines.push(`  not used from the checkpoint: ${r.unused.join(', ')} (no node with weights has that id here)`);
  }
  return lines;
}

export function batchBar(e: Ev<'batch'>, width = 24): string {
  const filled = Math.round((width * e.batch) / e.batchesPerEpoch);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  const scores = e.metrics ? metricText(e.metrics) : `  acc ${pct(e.accuracy)}`;
  return `epoch ${e.epoch} ${bar} ${e.batch}/${e.batchesPerEpoch}  loss ${num(e.loss)}${scores}  ${rate(e.samplesPerSecond)}`;
}

export function epochLine(e: Ev<'epoch'>): string {
  // Segmentation and reconstruction name their own metrics (mean IoU, PSNR) instead of an accuracy.
  const train = e.trainMetrics ? metricText(e.trainMetrics) : `  acc ${pct(e.trainAccuracy)}`;
  const valScores = e.trainMetrics ? metricText(e.validationMetrics, 'val ') : `  val acc ${pct(e.validationAccuracy)}`;
  const val = e.validationLoss === null ? '' : `  val loss ${num(e.validationLoss)}${valScores}`;
  const eta = e.etaSeconds > 0 ? `  eta ${duration(e.etaSeconds)}` : '';
  return `epoch ${e.epoch}/${e.epochs}  loss ${num(e.trainLoss)}${train}${val}  lr ${e.learningRate.toPrecision(3)}  ${rate(e.samplesPerSecond)}  ${duration(e.seconds)}${eta}`;
}

export function doneLines(e: Ev<'done'>): string[] {
  const m = e.metrics;
  const lines = [
    `${e.stopped ? 'stopped' : 'done'} after ${m.epochsCompleted} epoch${m.epochsCompleted === 1 ? '' : 's'} in ${duration(m.seconds)}`,
    m.test
      ? `test loss ${num(m.testLoss)}${metricText(m.test, 'test ')}`
      : `test loss ${num(m.testLoss)}  test accuracy ${pct(m.testAccuracy)}`,
  ];
  if (e.perClassIoU) {
    const ious = e.perClassIoU.map((v, c) => `${e.classNames[c] ?? c} ${v === null ? '—' : pct(v)}`);
    lines.push(`test IoU per class: ${ious.join(', ')}`);
  }
  if (e.checkpoint) lines.push(`weights saved to ${e.checkpoint}`);
  return lines;
}
