/**
 * The tasks' metrics as plain arithmetic on counts, so that the trainer (which sums them on the
 * device, batch by batch), the evaluator and the tests share one definition. Pure: no tfjs.
 *
 * - accuracy: correct samples / samples.
 * - pixel accuracy: correctly labelled pixels / pixels, from a confusion matrix over pixels.
 * - IoU of class c: |predicted c ∩ true c| / |predicted c ∪ true c| = C[c][c] / (row c + column c − C[c][c]);
 *   null for a class that is neither present nor predicted (its IoU is undefined).
 * - mean IoU: the mean of the defined per-class IoUs, background included (PASCAL VOC's convention).
 * - PSNR (data range 1, pixels in [0, 1]): 10·log10(1 / MSE) with the MSE over every value of the split,
 *   capped at 100 dB (a perfect reconstruction would be +∞, which JSON cannot carry).
 */

/** The metrics a task reports, and how each is shown. */
export const METRICS = {
  accuracy: { label: 'accuracy', unit: 'fraction' },
  pixelAccuracy: { label: 'pixel accuracy', unit: 'fraction' },
  meanIoU: { label: 'mean IoU', unit: 'fraction' },
  psnr: { label: 'PSNR', unit: 'dB' },
  mse: { label: 'MSE', unit: 'number' },
} as const satisfies Record<string, { label: string; unit: 'fraction' | 'dB' | 'number' }>;
export type MetricId = keyof typeof METRICS;

/** Per-class IoU from a confusion matrix `confusion[true][predicted]` (flat, row-major, classes²). */
export function perClassIoU(confusion: ArrayLike<number>, classes: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let c = 0; c < classes; c++) {
    let row = 0;
    let column = 0;
    for (let k = 0; k < classes; k++) {
      row += confusion[c * classes + k]!;
      column += confusion[k * classes + c]!;
    }
    const hit = confusion[c * classes + c]!;
    const union = row + column - hit;
    out.push(union > 0 ? hit / union : null);
  }
  return out;
}

/** The mean of the defined IoUs (0 when none is defined: an empty split). */
export function meanIoU(ious: readonly (number | null)[]): number {
  const defined = ious.filter((v): v is number => v !== null);
  return defined.length > 0 ? defined.reduce((a, b) => a + b, 0) / defined.length : 0;
}

/** Correct pixels over all pixels of a confusion matrix (0 when it is empty). */
export function pixelAccuracy(confusion: ArrayLike<number>, classes: number): number {
  let total = 0;
  let hit = 0;
  for (let i = 0; i < classes * classes; i++) total += confusion[i]!;
  for (let c = 0; c < classes; c++) hit += confusion[c * classes + c]!;
  return total > 0 ? hit / total : 0;
}

export const PSNR_CAP_DB = 100;

/** Peak signal-to-noise ratio for values in [0, 1]: 10·log10(1 / mse), at most PSNR_CAP_DB. */
export function psnr(mse: number): number {
  if (!(mse > 0)) return PSNR_CAP_DB;
  return Math.min(PSNR_CAP_DB, 10 * Math.log10(1 / mse));
}
