/**
 * The active run in one line that never scrolls away: what it is doing (starting the trainer,
 * loading and compiling, the first batches, epoch and batch), its speed, a time left that counts
 * down between updates, its test accuracy when done, and Stop. A failed run says why here, with
 * the way out (the CPU after a GPU failure), and whether the graph has changed since.
 */
import { useEffect, useState } from 'react';
import { formatDuration, formatInteger } from '../../canvas/format';
import { useEditor } from '../../store/editorStore';
import { retryOnCpu, startedDocs, stopTraining } from '../trainActions';
import { METRICS } from '../../../../engine/task/metrics';
import { TASKS } from '../../../../engine/task/registry';
import { metricFigure } from '../RunResults';
import { activeRun, runTask, useTraining, type Run } from '../trainingStore';

/** Re-renders every second while `on`: the time left counts down between the trainer's updates. */
function useClock(on: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setNow(performance.now()), 1000);
    return () => clearInterval(timer);
  }, [on]);
  return now;
}

/** "Training diverged at epoch 1, batch 4: …" (the trainer's message says "training diverged" itself), or "Training failed: …". */
function errorLine(error: { kind: string; message: string }): string {
  if (error.kind === 'diverged' && error.message.startsWith('training diverged')) return `T${error.message.slice(1)}`;
  return `${error.kind === 'diverged' ? 'Training diverged' : 'Training failed'}: ${error.message}`;
}

/** What a running run is doing, before its progress says it in numbers. */
function phase(run: Run): string | null {
  if (!run.started) return 'loading the data and building the model…';
  if (run.curves.batchX.length === 0) return `first batches on ${run.started.backend.name} (preparing its kernels)…`;
  return null;
}

function Progress({ run }: { run: Run }) {
  const p = run.progress;
  const now = useClock(run.status === 'running');
  const left = p.etaSeconds === null ? null : Math.max(0, p.etaSeconds - (now - p.at) / 1000);
  const doing = run.status === 'running' ? phase(run) : null;
  return (
    <>
      {doing && <span className="muted">{doing}</span>}
      {p.epochs > 0 && !doing && (
        <span>
          epoch {Math.max(1, p.epoch)}/{p.epochs}
          {p.batchesPerEpoch > 0 && run.status === 'running' && ` · batch ${p.batch}/${p.batchesPerEpoch}`}
        </span>
      )}
      {run.status === 'running' && p.samplesPerSecond > 0 && (
        <span data-testid="samples-per-second">{formatInteger(Math.round(p.samplesPerSecond))} samples/s</span>
      )}
      {run.status === 'running' && left !== null && <span data-testid="eta">{formatDuration(left)} left</span>}
      {run.done?.metrics.test && <HeadlineMetric run={run} />}
      {run.done && !run.done.metrics.test && run.done.metrics.testAccuracy !== null && (
        <span data-testid="header-accuracy">
          <b>{(run.done.metrics.testAccuracy * 100).toFixed(2)}%</b> test accuracy
        </span>
      )}
    </>
  );
}

export function DockHeader({ collapsed, toggle }: { collapsed: boolean; toggle: () => void }) {
  const run = useTraining(activeRun);
  const requesting = useTraining((s) => s.requesting);
  const busy = useTraining((s) => s.requesting || s.runs.some((r) => r.status === 'running'));
  const doc = useEditor((s) => s.doc);
  const running = run?.status === 'running';
  const kept = useTraining((s) => s.runs.length);
  const gpuFailed = run?.error?.kind === 'backend' && /webgpu|gpu/.test(run.started?.backend.name ?? '');
  const changed = run?.error && startedDocs.has(run.runId) && startedDocs.get(run.runId) !== doc;
  return (
    <div className={`dock-header run-${run?.status ?? 'idle'}`} data-testid="run-status">
      {(run || requesting) && <span className="badge">{requesting && !running ? 'starting' : run?.status}</span>}
      {!run && !requesting && (
        <span className="muted">
          {kept ? `${kept} kept run${kept === 1 ? '' : 's'}: click one on the left for its results` : 'no run yet'}
        </span>
      )}
      {requesting && !running && <span className="muted">starting the trainer…</span>}
      {run && <b className="dock-run-name">{run.label}</b>}
      {run && <Progress run={run} />}
      {run?.error && (
        // Up to two lines here, so a diverged run's advice (a lower learning rate) is read, not
        // hidden behind an ellipsis; the whole message is in the tooltip and the Details tab.
        <span className="dock-error" role="alert" data-testid="run-error" title={run.error.message}>
          {errorLine(run.error)}
          {changed && <span className="muted"> (the graph has changed since this run: train again to check)</span>}
        </span>
      )}
      {run?.error && gpuFailed && (
        <button className="retry-on-cpu" data-testid="retry-on-cpu" disabled={busy} onClick={() => void retryOnCpu()}>
          Train on the CPU instead
        </button>
      )}
      <span className="dock-header-end">
        <button className="stop" data-testid="stop-button" disabled={!running} onClick={() => run && void stopTraining(run.runId)}>
          Stop
        </button>
        <button
          className="icon-button"
          data-testid="dock-toggle"
          title={collapsed ? 'Show the training results' : 'Hide the training results'}
          onClick={toggle}
        >
          {collapsed ? '▴' : '▾'}
        </button>
      </span>
    </div>
  );
}

/** A segmentation or autoencoder run's headline test metric (mean IoU, PSNR) where a classifier shows its accuracy. */
function HeadlineMetric({ run }: { run: Run }) {
  const id = TASKS[runTask(run)].metrics[0]!;
  const value = run.done?.metrics.test?.[id];
  if (value === undefined) return null;
  return (
    <span data-testid="header-metric">
      <b>{metricFigure(id, value)}</b> test {METRICS[id].label}
    </span>
  );
}
