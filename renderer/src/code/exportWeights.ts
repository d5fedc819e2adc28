/**
 * Which weights an export carries, as the editor chooses and says it: the active run's trained
 * weights when it saved them (the host falls back to initial weights, said as such, when the graph
 * no longer fits them), else initial weights.
 */
import type { ExportWeights } from '../../../electron/api/contract';
import { activeRun, useTraining } from '../training/trainingStore';
import type { Run } from '../training/runModel';

/** A run whose weights were saved in the data folder. */
export const hasWeights = (run: Run | undefined): boolean => Boolean(run && (run.done?.checkpoint || run.summary?.hasWeights));

/** The run whose trained weights an export of the current graph carries, if any. */
export function exportRunId(state = useTraining.getState()): string | undefined {
  const run = activeRun(state);
  return run && hasWeights(run) ? run.runId : undefined;
}

const percent = (x: number | null) => (x === null ? 'no test accuracy' : `${(x * 100).toFixed(2)}% test accuracy`);

/** "trained weights of “sigmoid, lr 0.01” (97.40% test accuracy)", or "initial (untrained) weights: why". */
export function weightsLabel(weights: ExportWeights): string {
  if (weights.kind === 'trained') return `trained weights of “${weights.runName}” (${weights.testFigure ?? percent(weights.testAccuracy)})`;
  return `initial (untrained) weights${weights.reason ? `: ${weights.reason}` : ''}`;
}
