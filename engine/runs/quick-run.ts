/**
 * The dataset sizes the app's Train button starts with: a quick run on part of the data, so a
 * student sees a result in about a minute on a laptop CPU. The comparison script
 * (bench/compare-templates.ts) trains the templates with exactly these, as a student would. Pure,
 * beside the run records, so the editor may import it.
 */

/** Training samples a run uses until the student asks for more ("Use at most"). */
export const QUICK_RUN_LIMIT = 2000;

/** Test samples for a run on `limit` training samples (all when there is no limit). */
export function quickTestLimit(limit: number | undefined): number | undefined {
  return limit ? Math.max(200, Math.round(limit / 5)) : undefined;
}
