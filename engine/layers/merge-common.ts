import type { ReceptiveField } from './conv-math';

/**
 * A merged unit sees the union of its inputs' fields; we keep the largest (the residual
 * branch's, typically). The checker warns separately where the jumps differ.
 */
export function largestField(fields: readonly (ReceptiveField | null)[]): ReceptiveField | null {
  let best: ReceptiveField | null = null;
  for (const f of fields) {
    if (!f) return null;
    if (!best || f.size[0] * f.size[1] > best.size[0] * best.size[1]) best = f;
  }
  return best;
}
