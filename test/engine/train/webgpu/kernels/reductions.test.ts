/**
 * The shared reductions at sizes where WebGPU's limits bite: a dispatch dimension may not pass
 * 65,535 workgroups. Sums are cut into at most MAX_SPLITS chunks however long they are, and a
 * chunk sum with more outputs than one dimension holds still adds up every output (on Mesa's
 * software adapter, a real WebGPU device).
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { runToTensor, i32, f32 } from '../../../../../engine/train/webgpu/device/program';
import {
  MAX_SPLITS,
  MAX_WORKGROUPS,
  SumRowsProgram,
  columnChunks,
  cut,
  middlePlan,
} from '../../../../../engine/train/webgpu/kernels/reductions';
import { registerWebGPUBackend } from '../../../../../engine/train/webgpu/device/register';

const registration = await registerWebGPUBackend({ software: true });

it('cuts any number of rows into at most MAX_SPLITS chunks that cover them all', () => {
  for (const rows of [1, 63, 64, 4096, 131_072, 262_144, 4_194_304, 50_000_000]) {
    for (const plan of [cut(rows, 64), columnChunks(rows, 64), columnChunks(rows, 3), middlePlan(1, rows, 6)]) {
      expect(plan.splits).toBeLessThanOrEqual(MAX_SPLITS);
      expect(plan.splits * plan.chunk).toBeGreaterThanOrEqual(rows);
      expect((plan.splits - 1) * plan.chunk).toBeLessThan(rows); // no empty chunk
    }
  }
  // The residual CNN's batch norm at batch 128 (131,072 rows of 32 channels): 8 rows of threads, 16 rows each.
  expect(columnChunks(131_072, 32)).toEqual({ splits: 1024, chunk: 128 });
});

it('sums chunks into more outputs than one dispatch dimension holds', { timeout: 120_000 }, async (ctx) => {
  if (!registration.ok) ctx.skip(`no software WebGPU adapter: ${registration.reason}`);
  await tf.setBackend('webgpu');
  const n = 64 * MAX_WORKGROUPS + 1000; // one workgroup per 64 outputs: just over the limit
  const a = Float32Array.from({ length: n }, (_, i) => (i % 1001) - 500);
  const b = Float32Array.from({ length: n }, (_, i) => (i % 7) * 0.5);
  const partial = tf.tensor2d(Float32Array.from([...a, ...b]), [2, n]);
  const sum = runToTensor(new SumRowsProgram([n], n), [partial], [i32(2), i32(n), f32(2)]);
  const got = (await sum.data()) as Float32Array;
  let wrong = 0;
  for (let i = 0; i < n; i++) if (got[i] !== (a[i]! + b[i]!) * 2) wrong++;
  expect(wrong).toBe(0);
  tf.dispose([partial, sum]);
});
