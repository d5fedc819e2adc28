/**
 * One epoch of a run: its batches in the epoch's seeded order, each step queued and its statistics
 * read a few steps at a time (on a GPU one group's read overlaps the next group's steps), batch
 * events offered to the coalescer, and a step that was not finite, or a loss that exploded
 * (./divergence), ending the run as diverged.
 */
import * as tf from '@tensorflow/tfjs';
import { epochOrder } from './batches';
import type { Coalescer } from './coalesce';
import type { TrainerEvent } from './protocol';
import { divergedError } from './divergence';
import type { RunState } from './run-state';
import { readSteps, type PendingStep, type StepResult } from './step';

/** What an epoch's training steps add up to. */
export interface EpochTotals {
  lossSum: number;
  /** The task's sums over the epoch's batches (engine/task). */
  readonly sums: Float64Array;
  seen: number;
  /** Per tracked layer, summed over the steps whose norms were read. */
  readonly normSums: number[];
  normSteps: number;
  /** Aborted before its last batch. */
  stopped: boolean;
}

/** Lets the event loop deliver a `stop` message between batches (tfjs CPU/WASM work is synchronous). */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains one epoch at `learningRate` (already set on the optimizer), timed from `epochStart`.
 * `counter.step` counts the run's steps: it is advanced for each step read.
 */
export async function trainEpoch(
  run: RunState,
  epoch: number,
  learningRate: number,
  epochStart: number,
  batchEvents: Coalescer<TrainerEvent>,
  counter: { step: number },
): Promise<EpochTotals> {
  const { trainSplit, batchSize, acceleration } = run;
  const batchesPerEpoch = Math.ceil(trainSplit.count / batchSize);
  const order = epochOrder(trainSplit.count, run.config.seed, epoch);
  const totals: EpochTotals = {
    lossSum: 0,
    sums: new Float64Array(run.task.sumsLength),
    seen: 0,
    normSums: new Array<number>(run.step.trackedLayers.length).fill(0),
    normSteps: 0,
    stopped: false,
  };

  // Steps run ahead of their statistics on a GPU; `absorb` reads the queued ones in one transfer.
  const queued: { step: PendingStep; batch: number; n: number }[] = [];
  const absorb = async () => {
    const taken = queued.splice(0);
    const results = await readSteps(
      tf,
      taken.map((q) => q.step),
    );
    run.checkDevice();
    for (let i = 0; i < results.length; i++) {
      const result = results[i]!;
      const { batch, n } = taken[i]!;
      if (!result.finite && run.divergence.stopsOnNonFinite)
        throw await divergedError(run, `epoch ${epoch + 1}, batch ${batch}`, nonFinite(result), learningRate);
      account(result, batch, n);
      const exploded = run.divergence.step(result.loss);
      if (exploded) throw await divergedError(run, `epoch ${epoch + 1}, batch ${batch}`, exploded, learningRate);
    }
  };
  const account = (result: StepResult, batch: number, n: number) => {
    counter.step++;
    totals.lossSum += result.loss * n;
    result.sums.forEach((v, k) => (totals.sums[k]! += v));
    totals.seen += n;
    if (result.gradientNorms.length > 0) totals.normSteps++;
    result.gradientNorms.forEach((g, k) => (totals.normSums[k]! += g));
    const elapsed = Math.max(1e-6, (run.clock() - epochStart) / 1000);
    const metrics = run.task.metrics(result.sums, n);
    batchEvents.offer({
      type: 'batch',
      runId: run.request.runId,
      epoch: epoch + 1,
      batch,
      batchesPerEpoch,
      step: counter.step,
      loss: result.loss,
      accuracy: metrics.accuracy,
      samplesPerSecond: totals.seen / elapsed,
      ...(metrics.accuracy === null ? { metrics: metrics.values } : {}),
    });
  };

  // On a GPU one group's read overlaps the next group's steps, so the GPU is never left idle
  // while the host waits for a read and only then issues more work. One read at a time: its
  // errors (divergence) surface when the next group is due, or at the epoch's end. Steps queued
  // behind a bad one are skipped on the device (step.ts), so the weights kept are the good ones.
  let reading: Promise<void> | null = null;
  const settle = async () => {
    const r = reading;
    reading = null;
    await r;
  };

  for (let b = 0; b < batchesPerEpoch; b++) {
    await yieldToEventLoop();
    if (run.signal?.aborted) {
      totals.stopped = true;
      break;
    }
    const start = b * batchSize;
    const end = Math.min(trainSplit.count, start + batchSize);
    run.at(`by epoch ${epoch + 1}, batch ${b + 1}`); // steps are read a few at a time: at or before this one
    const { x, labels } = run.batches.batch(order, start, end);
    try {
      // Norms only for the step whose statistics are read next: a sample per read, and far fewer launches.
      const readsNext = queued.length + 1 >= acceleration.readEvery || b === batchesPerEpoch - 1;
      queued.push({ step: await run.step.run(x, labels, { norms: readsNext }), batch: b + 1, n: end - start });
    } finally {
      tf.dispose([x, labels]);
    }
    if (queued.length < acceleration.readEvery) continue;
    // With the host guard each step was read before it was applied: nothing to overlap, and a
    // divergence must stop training before the next step.
    if (acceleration.guard === 'host') await absorb();
    else {
      await settle();
      reading = absorb();
      reading.catch(() => {}); // handled: `settle` awaits it and rethrows
    }
  }
  await settle();
  await absorb();
  return totals;
}

/** What a step that was not finite did, in words. */
function nonFinite(result: StepResult): string {
  if (result.overflowed) return 'an update stepped a weight to infinity';
  return Number.isFinite(result.loss) ? 'the gradients became infinite or NaN' : `the loss became ${result.loss}`;
}
