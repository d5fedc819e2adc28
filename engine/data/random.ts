/**
 * A tiny seeded PRNG. Splits and shuffles must be reproducible from the graph's `training.seed`
 * across runs, processes and machines, which Math.random cannot give.
 */

/**
 * mulberry32: 32-bit state, good enough statistics for shuffling, and identical results on every
 * JavaScript engine because it only uses 32-bit integer arithmetic.
 *
 * @example const next = mulberry32(42); next(); // 0.6011037519201636
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A permutation of 0..n-1 by Fisher–Yates driven by `mulberry32(seed)`. */
export function seededPermutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const next = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
