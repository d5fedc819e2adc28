/**
 * GPU memory of replayed training: recordings lend each other their scratch buffers and tfjs's
 * pool is trimmed once a step is replayed, so replay costs no more GPU memory than training
 * through tfjs. Before, it held three steps' worth more: the residual template at batch 16 peaked
 * at 552 MiB replayed against 332 MiB not, which is an out-of-memory on a small GPU. Measured on
 * Dawn's null adapter (real buffers and validation, no compute) by watching every buffer made and
 * destroyed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { train, type StartRequest } from '../../../../../engine/train/train';
import { registerWebGPUBackend, retireWebGPUBackend } from '../../../../../engine/train/webgpu/device/register';

let registered = false;
let live = 0;
let peak = 0;
const sizes = new WeakMap<GPUBuffer, number>();
const restore: (() => void)[] = [];

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  registered = (await registerWebGPUBackend({ dawnFlags: ['backend=null'] })).ok;
  if (!registered) return;
  const create = GPUDevice.prototype.createBuffer;
  GPUDevice.prototype.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor) {
    const buffer = create.call(this, descriptor);
    sizes.set(buffer, descriptor.size);
    live += descriptor.size;
    peak = Math.max(peak, live);
    return buffer;
  };
  const destroy = GPUBuffer.prototype.destroy;
  GPUBuffer.prototype.destroy = function (this: GPUBuffer) {
    live -= sizes.get(this) ?? 0;
    sizes.delete(this);
    return destroy.call(this);
  };
  restore.push(
    () => (GPUDevice.prototype.createBuffer = create),
    () => (GPUBuffer.prototype.destroy = destroy),
  );
});

afterAll(() => {
  restore.forEach((r) => r());
  vi.restoreAllMocks();
  delete process.env.NETCANVAS_WEBGPU_REPLAY;
});

/** The most GPU memory one run held at once, on a fresh device (no pool left by an earlier run). */
async function peakOf(replay: boolean): Promise<number> {
  process.env.NETCANVAS_WEBGPU_REPLAY = replay ? '1' : '0';
  retireWebGPUBackend();
  const start = live;
  peak = live;
  const graph = JSON.parse(readFileSync(join(__dirname, '../fixtures/resnet-32.json'), 'utf8')) as StartRequest['graph'];
  const last = await train(
    {
      type: 'start',
      runId: 'memory',
      backend: 'webgpu',
      graph,
      dataset: { source: 'embedded:mnist', limit: 2048, testLimit: 128 },
      config: { epochs: 2, batchSize: 16 },
    },
    { onEvent: () => {}, watchDivergence: false }, // the null adapter computes nothing: its losses are noise
  );
  expect(last, JSON.stringify(last)).toMatchObject({ type: 'done' });
  return peak - start;
}

it('replayed training holds no more GPU memory than training through tfjs', { timeout: 120_000 }, async (ctx) => {
  if (!registered) ctx.skip('Dawn (the webgpu package) is not loadable here');
  const plain = await peakOf(false);
  const replayed = await peakOf(true);
  console.log(
    `resnet-32 fixture, batch 16, peak GPU memory: ${(plain / 2 ** 20).toFixed(1)} MiB through tfjs, ${(replayed / 2 ** 20).toFixed(1)} MiB replayed`,
  );
  expect(replayed).toBeLessThan(plain * 1.1);
});

const FASHION = '/usr/share/datasets/fashion-mnist';

// Its 54,000 training images are 169 MB: one buffer over the 128 MiB that WebGPU guarantees (and
// that the null adapter, like some laptop GPUs, allows). Uploaded whole, the first gather failed.
it('keeps a training split larger than the GPU can bind on the host, and trains', { timeout: 120_000 }, async (ctx) => {
  if (!registered) ctx.skip('Dawn (the webgpu package) is not loadable here');
  if (!existsSync(FASHION)) ctx.skip(`no Fashion-MNIST at ${FASHION} (apt install dataset-fashion-mnist)`);
  delete process.env.NETCANVAS_WEBGPU_REPLAY;
  retireWebGPUBackend();
  const graph = JSON.parse(readFileSync(join(__dirname, '../../../../../templates/fashion-cnn.json'), 'utf8')) as StartRequest['graph'];
  const last = await train(
    {
      type: 'start',
      runId: 'fashion',
      backend: 'webgpu',
      graph,
      dataset: { source: FASHION, testLimit: 128 },
      config: { epochs: 1, batchSize: 64 },
    },
    { onEvent: () => {}, watchDivergence: false }, // the null adapter computes nothing: its losses are noise
  );
  expect(last, JSON.stringify(last).slice(0, 300)).toMatchObject({ type: 'done', metrics: { epochsCompleted: 1 } });
});
