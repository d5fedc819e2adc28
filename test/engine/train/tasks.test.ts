/** Training for segmentation and reconstruction, in process on small slices: the events carry the task's metrics and views. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../engine/data';
import type { GraphDoc } from '../../../engine/graph/types';
import { train } from '../../../engine/train/train';
import { collect, steppingClock, tinyAutoencoder, tinyFcn } from './fixtures';

// The generated set is made once per machine into this cache (atomically), not once per test file.
beforeAll(() => {
  process.env['NETCANVAS_CACHE_DIR'] = join(tmpdir(), 'netcanvas-test-cache');
});

describe('segmentation', () => {
  it('trains on the generated set with per-pixel cross-entropy and reports pixel accuracy, mean IoU, IoU per class and masks', async () => {
    const c = collect();
    const dataset = { source: 'embedded:mnist-segmentation', limit: 64, testLimit: 16 };
    const done = await train(
      { type: 'start', runId: 's', graph: tinyFcn({ epochs: 1, learningRate: 0.01 }), dataset, backend: 'cpu' },
      { onEvent: c.onEvent, clock: steppingClock() },
    );
    expect(done.type).toBe('done');
    if (done.type !== 'done') return;
    expect(c.of('started')[0]!.task).toBe('segmentation');
    const batch = c.of('batch')[0]!;
    expect(batch.accuracy).toBeGreaterThan(0); // pixel accuracy
    const [epoch] = c.of('epoch');
    expect(Object.keys(epoch!.trainMetrics!)).toEqual(['meanIoU', 'pixelAccuracy']);
    expect(epoch!.validationMetrics!.meanIoU).toBeGreaterThan(0);
    expect(epoch!.trainAccuracy).toBe(epoch!.trainMetrics!.pixelAccuracy);
    expect(done.perClassIoU).toHaveLength(11);
    expect(done.metrics.test!.meanIoU).toBeGreaterThan(0);
    expect(done.metrics.testAccuracy).toBe(done.metrics.test!.pixelAccuracy);
    // Background is most pixels: even a short run labels most of them right.
    expect(done.metrics.test!.pixelAccuracy).toBeGreaterThan(0.7);
    // The view's true masks are the test set's, image for image.
    const ds = await loadDataset('embedded:mnist-segmentation', { limit: 64, testLimit: 16 });
    const view = done.view!;
    expect(view.kind).toBe('masks');
    if (view.kind !== 'masks') return;
    expect(view.samples).toHaveLength(8);
    view.samples.forEach((s, i) => {
      expect(s.truth).toEqual(Array.from(ds.test!.masks!.subarray(i * 4096, (i + 1) * 4096)));
      expect(s.predicted).toHaveLength(4096);
      expect(s.predicted.every((v) => v >= 0 && v < 11)).toBe(true);
      expect(s.pixels).toHaveLength(4096);
    });
    expect(epoch!.view?.kind).toBe('masks');
  }, 120_000);
});

describe('reconstruction', () => {
  const ae = tinyAutoencoder();

  it.each(['bce', 'mse'])(
    'trains an autoencoder (conv encoder, 2-unit code, reshape, upsample decoder) with %s and reports PSNR, reconstructions and the 2-D codes',
    async (loss) => {
      const c = collect();
      const graph = { ...ae, training: { ...ae.training, loss, epochs: 1 } };
      const done = await train(
        { type: 'start', runId: 'a', graph, dataset: { source: 'embedded:mnist', limit: 96, testLimit: 40 }, backend: 'cpu' },
        { onEvent: c.onEvent, clock: steppingClock() },
      );
      expect(done.type).toBe('done');
      if (done.type !== 'done') return;
      const batch = c.of('batch')[0]!;
      expect(batch.accuracy).toBeNull();
      expect(batch.metrics!.psnr).toBeGreaterThan(3);
      const [epoch] = c.of('epoch');
      expect(epoch!.trainAccuracy).toBeNull();
      expect(Object.keys(epoch!.trainMetrics!)).toEqual(['psnr', 'mse']);
      const test = done.metrics.test!;
      expect(test.psnr).toBeCloseTo(10 * Math.log10(1 / test.mse!), 4);
      if (loss === 'mse') expect(done.metrics.testLoss).toBeCloseTo(test.mse!, 5);
      expect(done.confusion).toEqual([]);
      const view = done.view!;
      expect(view.kind).toBe('reconstructions');
      if (view.kind !== 'reconstructions') return;
      expect(view.samples[0]!.reconstruction).toHaveLength(784);
      expect(view.samples[0]!.reconstruction.every((v) => v >= 0 && v <= 255 && Number.isInteger(v))).toBe(true);
      expect(view.codes!.nodeId).toBe('code');
      expect(view.codes!.x).toHaveLength(40);
      expect(view.codes!.labels).toHaveLength(40);
    },
    120_000,
  );

  it('refuses an output that is not the input’s shape, naming both', async () => {
    const wrong = { ...ae, nodes: ae.nodes.map((n) => (n.id === 'c5' ? { ...n, params: { ...n.params, filters: 3 } } : n)) };
    const r = await train(
      { type: 'start', runId: 'w', graph: wrong, dataset: { source: 'embedded:mnist', limit: 32 }, backend: 'cpu' },
      { onEvent: () => {} },
    );
    expect(r.type).toBe('error');
  });
});
