/**
 * Segmentation and reconstruction on WebGPU (Mesa's software adapter, as in ./train.test.ts): the
 * per-pixel cross-entropy reaches the fused kernel as [B·H·W, classes], dilated convs run on
 * sub-images (spaceToBatchND and back), binary cross-entropy is
 * recorded and replayed with the step; both train like the cpu backend, batch for batch, and report
 * the same task metrics (mean IoU, pixel accuracy, IoU per class; PSNR).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GraphDoc } from '../../../../engine/graph/types';
import { train } from '../../../../engine/train/train';
import { registerWebGPUBackend } from '../../../../engine/train/webgpu/device/register';
import { collect, steppingClock, tinyAutoencoder, tinyDeeplab, tinyFcn } from '../fixtures';

const registration = await registerWebGPUBackend({ software: true });
const skip = registration.ok ? false : `no software WebGPU adapter: ${registration.reason}`;

beforeAll(() => {
  process.env['NETCANVAS_CACHE_DIR'] = join(tmpdir(), 'netcanvas-test-cache');
});

async function run(backend: string, graph: GraphDoc, source: string) {
  const c = collect();
  const last = await train(
    { type: 'start', runId: backend, graph, dataset: { source, limit: 32, testLimit: 8 }, backend },
    { onEvent: c.onEvent, clock: steppingClock() },
  );
  if (last.type !== 'done') throw new Error(`${backend}: ${JSON.stringify(last)}`);
  return { done: last, c };
}

const close = (a: number, b: number, tolerance: number) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(b)));

describe.skipIf(skip)('tasks on WebGPU (software adapter)', () => {
  it.each([
    ['segmentation', tinyFcn({ epochs: 2, learningRate: 0.01, seed: 5 }), 'embedded:mnist-segmentation'],
    // Dilated "same" convs run on sub-images (spaceToBatchND / batchToSpaceND: engine/compile/dilatedConv.ts).
    [
      'segmentation with atrous convs (DeepLab-lite in miniature)',
      tinyDeeplab({ epochs: 2, learningRate: 0.01, seed: 5 }),
      'embedded:mnist-segmentation',
    ],
    ['reconstruction (binary cross-entropy)', tinyAutoencoder({ epochs: 2, loss: 'bce', learningRate: 0.01, seed: 5 }), 'embedded:mnist'],
  ] as const)('trains %s as the cpu backend does', { timeout: 300_000 }, async (_, graph, source) => {
    const gpu = await run('webgpu', graph, source);
    const cpu = await run('cpu', graph, source);
    expect(gpu.c.of('started')[0]!.backend.name).toBe('webgpu');
    const [gl, cl] = [gpu.c.of('batch').map((b) => b.loss), cpu.c.of('batch').map((b) => b.loss)];
    expect(gl).toHaveLength(cl.length);
    gl.forEach((l, i) => close(l, cl[i]!, 2e-3));
    const [ge, ce] = [gpu.c.of('epoch'), cpu.c.of('epoch')];
    expect(ge[1]!.trainLoss).toBeLessThan(ge[0]!.trainLoss);
    for (const [metric, value] of Object.entries(cpu.done.metrics.test!)) close(gpu.done.metrics.test![metric as 'psnr']!, value, 1e-2);
    expect(Object.keys(ge[0]!.trainMetrics!)).toEqual(Object.keys(ce[0]!.trainMetrics!));
    expect(gpu.done.view?.kind).toBe(cpu.done.view?.kind);
    if (cpu.done.perClassIoU) expect(gpu.done.perClassIoU).toHaveLength(cpu.done.perClassIoU.length);
  });
});
