/**
 * A GPU that fails mid-run (out of memory, a tensor over its binding limit, the device lost) must
 * end training with a clear `backend` error and save nothing. Before, tfjs-webgpu dropped the
 * failed commands and read zeros: the run "finished" with nonsense metrics and wrote a checkpoint
 * of them over the student's last one. Dawn's null adapter gives real faults cheaply: it computes
 * nothing, caps device memory at 512 MiB and binds at most 128 MiB per buffer.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadTrained, predictBatch } from '../../../../../engine/train/predict';
import { train, type StartRequest } from '../../../../../engine/train/train';
import { classifyError, describeFault, recordError, recordLoss, watchFaults } from '../../../../../engine/train/webgpu/device/faults';
import { registerWebGPUBackend } from '../../../../../engine/train/webgpu/device/register';

const template = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../../../../templates', `${name}.json`), 'utf8')) as StartRequest['graph'];
/** A residual net whose activations at batch 1024–2048 overflow the null adapter's limits (the template is smaller now). */
const residual = () => JSON.parse(readFileSync(join(__dirname, '../fixtures/resnet-32.json'), 'utf8')) as StartRequest['graph'];
const dir = mkdtempSync(join(tmpdir(), 'netcanvas-faults-'));
let registered = false;

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {}); // Dawn's own error lines
  registered = (await registerWebGPUBackend({ dawnFlags: ['backend=null'] })).ok;
});

afterAll(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('GPU faults as Dawn words them', () => {
  class GPUOutOfMemoryError {
    constructor(readonly message: string) {}
  }
  class GPUValidationError {
    constructor(readonly message: string) {}
  }

  it('classifies out of memory, sizes over a limit (with both sizes) and anything else', () => {
    expect(classifyError(new GPUOutOfMemoryError('Out of memory.\n    at IncrementMemoryUsage (DeviceNull.cpp:319)'))).toEqual({
      kind: 'memory',
      message: 'Out of memory.',
    });
    const binding = classifyError(
      new GPUValidationError(
        'Binding size (205520896) of [Buffer (unlabeled)] is larger than the maximum storage buffer binding size (134217728).\n - While validating entries[0]',
      ),
    );
    expect(binding).toMatchObject({ kind: 'limit', bytes: { asked: 205520896, limit: 134217728 } });
    expect(describeFault(binding, 'Some GPU', 2048)).toContain('a tensor of 196 MiB; this GPU takes at most 128 MiB in one buffer');
    expect(
      classifyError(new GPUValidationError('Buffer size (10000000000000) exceeds the max buffer size limit (268435456).')),
    ).toMatchObject({ kind: 'limit', bytes: { asked: 1e13, limit: 268435456 } });
    expect(classifyError(new GPUValidationError('Error while parsing WGSL: unresolved identifier'))).toMatchObject({ kind: 'error' });
  });

  it('gives each watch the first fault since it began, however many came before', () => {
    const early = watchFaults();
    expect(early.fault()).toBeNull();
    recordError(new GPUOutOfMemoryError('Out of memory.'));
    for (let i = 0; i < 100; i++) recordError(new GPUValidationError('[Invalid Buffer] is invalid due to a previous error.'));
    const late = watchFaults();
    expect(late.fault()).toBeNull();
    recordError(new GPUValidationError('Binding size (9) of [Buffer] is larger than the maximum storage buffer binding size (8).'));
    expect(early.fault()?.kind).toBe('memory');
    expect(late.fault()?.kind).toBe('limit');
  });

  it('names a lost device as the cause even when the errors it caused came first', () => {
    const watch = watchFaults();
    recordError(new GPUOutOfMemoryError('Out of memory.'));
    recordLoss({ reason: 'unknown', message: 'The GPU was removed.\n(details)' });
    expect(watch.fault()).toEqual({ kind: 'lost', message: 'The GPU was removed.' });
  });
});

describe('training through a GPU fault', () => {
  const run = async (
    request: Omit<StartRequest, 'type' | 'runId' | 'backend'>,
    onEvent: Parameters<typeof train>[1]['onEvent'] = () => {},
    // The null adapter computes nothing, so its "losses" are whatever a buffer held: noise that the
    // divergence watch would rightly stop on. These tests are about faults, not learning.
  ) => train({ type: 'start', runId: 'fault', backend: 'webgpu', ...request }, { onEvent, watchDivergence: false });
  const dataset = { source: 'embedded:mnist', limit: 4096, testLimit: 128 };

  it('stops with the binding limit and the batch size, and leaves the last checkpoint alone', async (ctx) => {
    if (!registered) ctx.skip('Dawn (the webgpu package) is not loadable here');
    const checkpointPath = join(dir, 'resnet.weights.json');
    writeFileSync(checkpointPath, 'the last good weights');
    const last = await run({ graph: residual(), dataset, config: { epochs: 1, batchSize: 2048 }, checkpointPath });
    expect(last).toMatchObject({ type: 'error', kind: 'backend', checkpoint: null });
    const message = (last as { message: string }).message;
    expect(message).toMatch(
      /^training stopped by epoch 1, batch \d+: the GPU \(null-backend\) cannot hold one of this graph's tensors at this batch size \(a tensor of \d+ MiB; this GPU takes at most 128 MiB in one buffer\)/,
    );
    expect(message).toContain('Try a smaller batch size (now 2048)');
    expect(message).toContain('No checkpoint was saved');
    expect(readFileSync(checkpointPath, 'utf8')).toBe('the last good weights');
  });

  it('stops when the GPU runs out of memory, never reporting the zeros it read', async (ctx) => {
    if (!registered) ctx.skip('Dawn (the webgpu package) is not loadable here');
    const events: string[] = [];
    const last = await run({ graph: residual(), dataset, config: { epochs: 2, batchSize: 1024 } }, (e) => void events.push(e.type));
    expect(last).toMatchObject({ type: 'error', kind: 'backend' });
    expect((last as { message: string }).message).toMatch(
      /the GPU \(null-backend\) ran out of memory\. Try a smaller batch size \(now 1024\)/,
    );
    expect(events).not.toContain('epoch');
  });

  it('trains the next run on a new device: the faulted one is retired with its pool of invalid buffers', async (ctx) => {
    if (!registered) ctx.skip('Dawn (the webgpu package) is not loadable here');
    const watch = watchFaults();
    const last = await run({ graph: template('lenet5'), dataset: { ...dataset, limit: 512 }, config: { epochs: 1, batchSize: 64 } });
    expect(last).toMatchObject({ type: 'done', metrics: { epochsCompleted: 1 } });
    expect(watch.fault()).toBeNull();
  });

  it('evaluate and predict, forced onto a GPU that faults, say so instead of giving numbers', async (ctx) => {
    if (!registered) ctx.skip('Dawn (the webgpu package) is not loadable here');
    const checkpointPath = join(dir, 'lenet.weights.json');
    const trainedRun = await run({
      graph: template('lenet5'),
      dataset: { ...dataset, limit: 256 },
      config: { epochs: 1, batchSize: 64 },
      checkpointPath,
    });
    expect(trainedRun, JSON.stringify(trainedRun)).toMatchObject({ type: 'done' });
    const trained = await loadTrained(template('lenet5'), checkpointPath, { backend: 'webgpu' });
    try {
      await predictBatch(trained, new Float32Array(64 * 784), 64);
      expect(trained.gpuFailure()).toBeNull();
      await predictBatch(trained, new Float32Array(60_000 * 784), 60_000); // conv1's output alone is 1.1 GB
      expect(trained.gpuFailure()).toMatch(/^the GPU \(null-backend\) failed: .*\. Run it on the CPU instead \(--backend wasm\)$/);
    } finally {
      trained.dispose();
    }
  });

  // Last: it destroys the registered device, so nothing can run on it after.
  it('stops when the device is lost mid-run, instead of training on', async (ctx) => {
    if (!registered) ctx.skip('Dawn (the webgpu package) is not loadable here');
    let lostAt = 0;
    const last = await run({ graph: template('lenet5'), dataset, config: { epochs: 2, batchSize: 64 } }, (e) => {
      if (e.type !== 'batch' || lostAt > 0) return;
      lostAt = e.batch;
      (tf.backend() as unknown as { device: GPUDevice }).device.destroy();
    });
    expect(lostAt).toBeGreaterThan(0);
    expect(last).toMatchObject({ type: 'error', kind: 'backend' });
    expect((last as { message: string }).message).toMatch(
      /^training stopped by epoch 1, batch \d+: the GPU \(null-backend\) stopped working: device was destroyed/,
    );
  });
});
