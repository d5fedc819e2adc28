/**
 * Trained checks: marked from the results of a run with the lesson's settings (./run). The
 * results are a small summary of the trainer's events, so the app (from its run) and the grader
 * (from the run it starts itself) mark them with the same code. Numbers a submitted file carries
 * are never read here: only a run's events make a summary.
 */
import type { CheckResult } from '../check/types';
import type { TrainerEvent } from '../train/protocol';
import type { CheckVerdict } from './checks';
import { CHECK_KINDS } from './kinds';
import type { LessonCheck } from './schema';
import { boundsText, countText, measuredPercent, numberText, unitText, withinBounds } from './words';

export interface LessonRunResults {
  readonly testAccuracy: number | null;
  /** Of the last epoch, as the curves show it (dropout active). */
  readonly trainAccuracy: number | null;
  readonly trainLoss: number | null;
  readonly validationAccuracy: number | null;
  readonly epochsCompleted: number;
  /** Epochs the run was asked for. */
  readonly epochs: number;
  readonly stopped: boolean;
  /** Each layer's weight-gradient L2 norm averaged over the first epoch, by node id. */
  readonly firstEpochGradientNorms: Readonly<Record<string, number>>;
  /** The run failed or was not made: why, as a sentence ("training failed: …"). */
  readonly error?: string;
}

/** The summary of a finished run's events, or null while it has not ended. */
export function summarizeRun(events: readonly TrainerEvent[]): LessonRunResults | null {
  const started = events.find((e) => e.type === 'started');
  const epochs = events.filter((e): e is Extract<TrainerEvent, { type: 'epoch' }> => e.type === 'epoch');
  const end = events.find((e) => e.type === 'done' || e.type === 'error');
  if (!end) return null;
  const last = epochs.at(-1);
  const asked = Number(started?.type === 'started' ? started.config['epochs'] : NaN);
  const base = {
    epochs: Number.isFinite(asked) ? asked : (last?.epochs ?? 0),
    epochsCompleted: epochs.length,
    firstEpochGradientNorms: { ...(epochs[0]?.gradientNorms ?? {}) },
    validationAccuracy: last?.validationAccuracy ?? null,
  };
  if (end.type === 'error') {
    return { ...base, testAccuracy: null, trainAccuracy: null, trainLoss: null, stopped: false, error: `training failed: ${end.message}` };
  }
  if (end.type !== 'done') return null;
  return {
    ...base,
    testAccuracy: end.metrics.testAccuracy,
    trainAccuracy: last?.trainAccuracy ?? end.metrics.trainAccuracy,
    trainLoss: last?.trainLoss ?? end.metrics.trainLoss,
    epochsCompleted: end.metrics.epochsCompleted,
    stopped: end.stopped,
  };
}

/** "1/5,000" for a small ratio, "2.3" for a large one. */
function ratioText(ratio: number): string {
  if (ratio > 0 && ratio < 0.5) return `1/${countText(Math.round(1 / ratio))}`;
  return numberText(ratio);
}

/**
 * Marks one trained check. `run` null: not marked, and `notRun` says how to get it marked.
 * `result` is the checker's report of the graph that was trained (for the layers' order).
 */
export function evaluateTrainedCheck(check: LessonCheck, result: CheckResult, run: LessonRunResults | null, notRun: string): CheckVerdict {
  if (!run) return { passed: null, message: notRun };
  const fail = (message: string): CheckVerdict => ({ passed: false, message });
  if (run.error !== undefined) return fail(run.error);
  if (run.stopped || run.epochsCompleted < run.epochs) {
    return fail(`the run stopped after ${run.epochsCompleted} of ${run.epochs} epochs; train to the end to mark this`);
  }
  const spec = CHECK_KINDS[check.kind];
  const show = unitText(spec.unit);
  const judge = (value: number, found: string): CheckVerdict => ({
    passed: withinBounds(value, check),
    message: `${found}; ${boundsText(check, show)} wanted`,
  });
  const after = `after ${run.epochsCompleted} epoch${run.epochsCompleted === 1 ? '' : 's'}`;
  switch (check.kind) {
    case 'testAccuracy':
      if (run.testAccuracy === null) return fail('the run measured no test accuracy (the dataset has no test set)');
      return judge(run.testAccuracy, `test accuracy ${measuredPercent(run.testAccuracy)} ${after}`);
    case 'trainLoss':
      if (run.trainLoss === null) return fail('the run finished no epoch');
      return judge(run.trainLoss, `training loss ${numberText(run.trainLoss)} in the last epoch`);
    case 'accuracyGap': {
      if (run.trainAccuracy === null || run.testAccuracy === null) return fail('the run measured no training or test accuracy');
      const gap = run.trainAccuracy - run.testAccuracy;
      const found = `training accuracy ${measuredPercent(run.trainAccuracy)}, test accuracy ${measuredPercent(run.testAccuracy)}: a gap of ${(gap * 100).toFixed(2)} points`;
      return {
        passed: withinBounds(gap, check),
        message: `${found}; ${boundsText(check, (n) => `${Number((n * 100).toFixed(2))} points`)} wanted`,
      };
    }
    case 'gradientRatio': {
      const norms = run.firstEpochGradientNorms;
      const layers = result.order.filter((id) => norms[id] !== undefined);
      const from = check.from ?? layers[0];
      const to = check.to ?? layers.at(-1);
      if (from === undefined || to === undefined) return fail('the run measured no layer gradients');
      for (const id of [from, to]) {
        if (norms[id] === undefined) return fail(`${id} got no gradient in the run (it has no weights, or is not connected)`);
      }
      const ratio = norms[from]! / norms[to]!;
      return judge(
        ratio,
        `over the first epoch ${from}'s gradient is ${ratioText(ratio)} of ${to}'s (‖∇${from}‖ / ‖∇${to}‖ = ${numberText(ratio)})`,
      );
    }
    default:
      throw new Error(`${check.kind} is not a trained check`);
  }
}
