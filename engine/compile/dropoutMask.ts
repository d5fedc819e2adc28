/**
 * Dropout's mask stream, the same on every backend: element i of a layer's n-th training mask is
 * kept when a PCG hash of (i, the layer's seed, n) falls under 1 − rate. The host computes it here
 * for the portable layer; WebGPU's kernel (engine/train/webgpu/kernels/dropout.ts) computes the same hash
 * on the GPU, so a seed gives the same masks — and the same loss curve — on either.
 *
 * @example
 *   dropoutMask(6, 0.5, 42, 0); // Float32Array of 0 and 2
 */

/** PCG's output hash of a 32-bit word (O'Neill's RXS-M-XS), as WGSL computes it in u32. */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** Mask `step` of the stream `seed`: n values, 0 or 1/(1 − rate) (as float32). */
export function dropoutMask(n: number, rate: number, seed: number, step: number): Float32Array {
  const keep = Math.fround(1 - rate);
  const scale = Math.fround(1 / (1 - rate));
  const stream = pcgHash(((seed >>> 0) + pcgHash(step)) >>> 0);
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) if ((pcgHash((i + stream) >>> 0) >>> 8) / 16777216 < keep) mask[i] = scale;
  return mask;
}
