/**
 * When a run has diverged although its loss is still a number. A non-finite step is caught where
 * the step is read (./step); this watch catches the runs that explode without overflowing (at
 * learning rate 10 LeNet-5's loss reaches 1e10 at chance accuracy) and would otherwise end `done`
 * and replace good weights with useless ones.
 *
 * The rule, applied to every step's loss in order and to every epoch:
 * - **Explosion**: the median of the last 5 steps' losses is above 10 × the run's start, where the
 *   start is the first step's loss but at least ln(classes) (the loss of a uniform guess, so a warm
 *   start with a small first loss does not make an ordinary wobble look like divergence). The
 *   median ignores one or two freak batches (a batch of one confidently wrong sample can reach 10×)
 *   and needs at least 3 steps. An epoch's mean loss above 10 × the start counts too (a script
 *   that reads only some steps' losses, like the exported PyTorch one, still sees every epoch).
 * - **Growing at chance**: from the second epoch on, the epoch's training accuracy is at most 1.5 ×
 *   chance (1/classes) while its mean loss is above 2 × the start and above the previous epoch's.
 *
 * Measured on MNIST slices (320 samples, batch 32): healthy SGD at 0.1 falls from 2.21 and never
 * comes near 22; SGD at 10 reads 2.21, 24.2, 1,620 (caught at step 3); Adam at 1 reads 2.21, 537,
 * 843 (caught at step 3); a conv net with momentum at 10 passes 1e10 by step 7 (caught at step 3).
 */
import { plainReason } from '../io';
import { checkpointExists } from './checkpoint';
import { RunError, type RunState } from './run-state';

/** Steps whose median is compared with the start. */
export const DIVERGENCE_WINDOW = 5;
/** How far above its start the loss may go. */
export const DIVERGENCE_FACTOR = 10;

export interface DivergenceWatch {
  /** Whether a non-finite step ends the run (./epoch); false only where losses are not a model's. */
  readonly stopsOnNonFinite: boolean;
  /** A step's loss, in order; the reason the run diverged, or null. */
  step(loss: number): string | null;
  /** An epoch's mean training loss and accuracy (null for a task without one); the reason the run diverged, or null. */
  epoch(loss: number, accuracy: number | null): string | null;
}

/** 1620 → "1,620"; 1.2e10 → "1.2e+10"; 2.2083 → "2.21". */
export function showLoss(x: number): string {
  if (Math.abs(x) >= 1e6) return x.toPrecision(2);
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}

/** A watch that never calls a run diverged (TrainHooks.watchDivergence false). */
export const IGNORE_DIVERGENCE: DivergenceWatch = { stopsOnNonFinite: false, step: () => null, epoch: () => null };

export function divergenceWatch(numClasses: number): DivergenceWatch {
  const chanceLoss = Math.log(Math.max(2, numClasses));
  let start: number | null = null;
  const recent: number[] = [];
  let previousEpoch: number | null = null;
  let epochs = 0;
  return {
    stopsOnNonFinite: true,
    step(loss) {
      if (start === null) start = Math.max(loss, chanceLoss);
      recent.push(loss);
      if (recent.length > DIVERGENCE_WINDOW) recent.shift();
      if (recent.length < 3) return null;
      const m = median(recent);
      if (m <= DIVERGENCE_FACTOR * start) return null;
      return `the loss rose to ${showLoss(m)} (the median of the last ${recent.length} batches), over ${DIVERGENCE_FACTOR}× its start (${showLoss(start)})`;
    },
    epoch(loss, accuracy) {
      epochs++;
      const previous = previousEpoch;
      previousEpoch = loss;
      if (start !== null && loss > DIVERGENCE_FACTOR * start) {
        return `the epoch's mean loss rose to ${showLoss(loss)}, over ${DIVERGENCE_FACTOR}× its start (${showLoss(start)})`;
      }
      if (epochs < 2 || start === null || previous === null) return null;
      const chance = 1 / Math.max(2, numClasses);
      if (accuracy === null || accuracy > 1.5 * chance || loss <= 2 * start || loss <= previous) return null;
      return (
        `the loss grew to ${showLoss(loss)} (from ${showLoss(previous)} the epoch before) while the accuracy stayed at chance ` +
        `(${(accuracy * 100).toFixed(1)}% with ${numClasses} classes)`
      );
    },
  };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A tenth of the rate, shown plainly: 10 → "1", 0.3 → "0.03". */
export function lowerRate(learningRate: number): string {
  return String(Number((learningRate / 10).toPrecision(2)));
}

/**
 * The run's end when it diverged at `place` ("epoch 1, batch 3") for `reason`. A checkpoint a
 * previous run left at the request's path is never replaced (its weights are better than any a
 * diverged run has); where there is none, the last finite weights are saved there to inspect.
 */
export async function divergedError(run: RunState, place: string, reason: string, learningRate: number): Promise<RunError> {
  const path = run.request.checkpointPath ?? null;
  let checkpoint: string | null = null;
  let kept: string;
  if (path === null) kept = 'no weights were saved';
  else if (await checkpointExists(path)) {
    checkpoint = path;
    kept = `the checkpoint ${path} was not replaced and still holds the weights it had`;
  } else {
    try {
      checkpoint = await run.save();
      kept = `its last finite weights were saved to ${path}`;
    } catch (err) {
      kept = `its weights could not be saved (${plainReason(err)})`;
    }
  }
  return new RunError(
    'diverged',
    `training diverged at ${place}: ${reason}. Try a lower learning rate (now ${learningRate}; e.g. ${lowerRate(learningRate)}); ${kept}`,
    checkpoint,
  );
}
