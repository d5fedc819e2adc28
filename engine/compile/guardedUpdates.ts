/**
 * State updates made during a step's forward pass that must wait for the step's guard: batch
 * norm's moving statistics. tfjs-layers updates them as the forward pass runs, so a step that turns
 * out non-finite (and whose weight update is skipped) would still move them — towards the diverged
 * batch's statistics, then to ∞. Our batch norm (./customLayers, and WebGPU's fused op) hands its
 * update to `deferUntilGuarded`; the trainer's step (engine/train/step.ts) collects them around
 * its forward pass and applies them with its guard flag, or discards them.
 *
 * @example
 *   const { value, updates } = collectGuarded(() => forwardAndBackward());
 *   for (const u of updates) finite ? u.apply(ok) : u.discard();
 */
import type * as tf from '@tensorflow/tfjs';

export interface GuardedUpdate {
  /** Applies the update; where `ok` (float32 scalar, 1 or 0) is given, only if it is 1, on the device. */
  apply(ok: tf.Tensor | null): void;
  /** Drops it (the step was refused), freeing what it kept. */
  discard(): void;
}

let collecting: GuardedUpdate[] | null = null;

/** Outside a collecting step (a test calling the layer directly) the update is applied at once. */
export function deferUntilGuarded(update: GuardedUpdate): void {
  if (collecting != null) collecting.push(update);
  else update.apply(null);
}

export function collectGuarded<T>(run: () => T): { value: T; updates: GuardedUpdate[] } {
  const outer = collecting;
  const updates: GuardedUpdate[] = [];
  collecting = updates;
  try {
    return { value: run(), updates };
  } finally {
    collecting = outer;
  }
}
