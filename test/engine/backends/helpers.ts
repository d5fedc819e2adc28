/** Runs the same computation on two tfjs backends and compares the numbers. */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { selectBackend } from '../../../engine/train/backends/select';
import { nativeFor, type Native } from '../../../engine/train/backends/wasm-native/runtime';
import { seededValues } from './fixtures/training-cases';

/** Makes `backend` current, runs `f`, and brings every output back to JS before returning. */
export async function compute(backend: string, f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const out = f();
    return (Array.isArray(out) ? out : [out]).map((t) => Float32Array.from(t.dataSync()));
  });
}

/** A float tensor of `shape` filled with seeded values in [-1, 1), on the current backend. */
export function rand(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    seededValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

/** max |a − b| ≤ tol · max(1, max |b|): absolute for small values, relative for large ones. */
export function expectClose(actual: Float32Array, expected: Float32Array, tol = 1e-4, label = ''): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  expect(diff / scale, `${label}: max abs diff ${diff} (scale ${scale})`).toBeLessThanOrEqual(tol);
}

/** Runs kernel `name` directly on `wasm` and on `cpu` with the same inputs and compares. */
export async function expectKernelMatchesCpu(
  name: string,
  inputs: Record<string, () => tf.Tensor>,
  attrs: tf.NamedAttrMap,
  label: string,
): Promise<void> {
  const run = () => {
    const made = Object.fromEntries(Object.entries(inputs).map(([k, make]) => [k, make()]));
    return tf.engine().runKernel(name, made, attrs) as tf.Tensor | tf.Tensor[];
  };
  const expected = await compute('cpu', run);
  const actual = await compute('wasm', run);
  expected.forEach((e, i) => expectClose(actual[i]!, e, 1e-4, `${label} output ${i}`));
}

/** Selects wasm with NetCanvas's kernels bound; the thread counts to test: 1, and the pool's size where it has more. */
export async function bindWasmNative(): Promise<{ native: Native; threadCounts: number[] }> {
  await selectBackend('wasm');
  const native = nativeFor(tf.backend())!;
  expect(native, 'NetCanvas kernels bound to tfjs-backend-wasm').not.toBeNull();
  const most = native.setThreads(64);
  return { native, threadCounts: most > 1 ? [1, most] : [1] };
}
