import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { registerWebGPUBackend } from '../../../engine/train/webgpu/device/register';
import { tinyMlp } from '../train/fixtures';

const run = promisify(execFile);

/** The real CLI, the way a user runs it. */
async function netcanvas(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return netcanvasWith(process.env, ...args);
}

async function netcanvasWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/netcanvas.mjs', ...args], { maxBuffer: 64 * 1024 * 1024, env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-cli-train-'));
const graphFile = join(dir, 'mlp.json');
writeFileSync(graphFile, JSON.stringify(tinyMlp({ epochs: 1 })));

// Each case starts real Node processes (the CLI, then the forked trainer) on a shared 2-core machine.
describe('netcanvas train / evaluate / predict', { timeout: 180_000 }, () => {
  it('train --json prints one protocol event per line, saves weights beside the graph, exits 0', async () => {
    const r = await netcanvas('train', graphFile, '--json', '--limit', '200', '--epochs', '2', '--batch-size', '16');
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; [k: string]: unknown });
    expect(events[0]!.type).toBe('started');
    expect(events.at(-1)).toMatchObject({ type: 'done', stopped: false, checkpoint: join(dir, 'mlp.weights.json') });
    expect(events.filter((e) => e.type === 'epoch').map((e) => e.epoch)).toEqual([1, 2]);
    expect(events.every((e) => ['started', 'batch', 'epoch', 'done', 'log'].includes(e.type))).toBe(true);
    expect(existsSync(join(dir, 'mlp.weights.json'))).toBe(true);
  });

  it('evaluate and predict use the saved weights', async () => {
    const e = await netcanvas('evaluate', graphFile, '--limit', '100', '--json');
    expect(e.code).toBe(0);
    const result = JSON.parse(e.stdout);
    expect(result).toMatchObject({ split: 'test', count: 100 });
    expect(result.accuracy).toBeGreaterThan(0.3);

    const png = new pngjs.PNG({ width: 28, height: 28 });
    png.data.fill(0);
    for (let y = 4; y < 24; y++) for (const x of [13, 14]) for (let c = 0; c < 3; c++) png.data[4 * (28 * y + x) + c] = 255;
    for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
    const image = join(dir, 'one.png');
    writeFileSync(image, pngjs.PNG.sync.write(png));
    const p = await netcanvas('predict', graphFile, '--input', image, '--json');
    expect(p.code).toBe(0);
    const prediction = JSON.parse(p.stdout);
    expect(prediction.probabilities).toHaveLength(10);
    expect(prediction.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('exits 2 on bad input and 1 when training diverges', async () => {
    const badFlag = await netcanvas('train', graphFile, '--epochs', 'zero');
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/--epochs must be a whole number/);
    const negative = await netcanvas('train', graphFile, '--epochs', '-1'); // node's parseArgs alone calls it "ambiguous"
    expect(negative.code).toBe(2);
    expect(negative.stderr).toMatch(/--epochs must be a whole number of at least 1, got "-1"/);
    expect((await netcanvas('train', join(dir, 'missing.json'))).code).toBe(2);
    const noWeights = await netcanvas('predict', graphFile, '--input', join(dir, 'one.png'), '--checkpoint', join(dir, 'none.json'));
    expect(noWeights.code).toBe(2);
    expect(noWeights.stderr).toMatch(/no such file/);

    const diverging = join(dir, 'diverging.json');
    writeFileSync(diverging, JSON.stringify(tinyMlp({ optimizer: 'sgd', momentum: 0, learningRate: 10, weightDecay: 100 })));
    const d = await netcanvas('train', diverging, '--limit', '100');
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/diverged.*lower learning rate/);
  });

  it('a finite loss that explodes exits 1 as diverged and leaves the weights beside the graph as they were', async () => {
    const exploding = join(dir, 'exploding.json');
    writeFileSync(exploding, JSON.stringify(tinyMlp({ optimizer: 'sgd', momentum: 0, learningRate: 10, epochs: 3 })));
    const weights = join(dir, 'exploding.weights.json');
    writeFileSync(weights, 'the weights of a good run');
    const d = await netcanvas('train', exploding, '--limit', '320');
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(
      /training diverged at epoch 1, batch \d+: the loss rose to .* over 10× its start .*Try a lower learning rate \(now 10; e\.g\. 1\)/,
    );
    expect(d.stderr).toMatch(/was not replaced/);
    expect(readFileSync(weights, 'utf8')).toBe('the weights of a good run');
    expect(d.stdout).not.toMatch(/^done/m);

    const missing = await netcanvas('train', graphFile, '--checkpoint', join(dir, 'no-such-folder', 'w.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot save the weights to .*w\.json: the folder .*no-such-folder does not exist/);
    expect(missing.stdout).toBe('');
  });

  it('--runner pytorch trains the exported script and prints the same events', async () => {
    const torch = await run('/usr/bin/python3', ['-c', 'import torch']).then(
      () => true,
      () => false,
    );
    const file = join(dir, 'mlp-torch.json');
    writeFileSync(file, JSON.stringify(tinyMlp({ epochs: 2 })));
    if (!torch) {
      const r = await netcanvas('train', file, '--runner', 'pytorch', '--json');
      expect(r.stdout).toMatch(/cannot train with PyTorch/);
      return;
    }
    const r = await netcanvas('train', file, '--runner', 'pytorch', '--json', '--limit', '300', '--epochs', '2');
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; [k: string]: unknown });
    expect(events[0]!.type).toBe('started');
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(Number(epochs[1]!.trainLoss)).toBeLessThan(Number(epochs[0]!.trainLoss));
    expect(events.at(-1)).toMatchObject({ type: 'done', stopped: false });
    expect(existsSync(join(dir, 'mlp-torch.weights.json'))).toBe(true);
    const bad = await netcanvas('train', file, '--runner', 'keras');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--runner must be "tfjs" or "pytorch"/);
  });

  it('follows the runner saved in the graph (training.runner) when --runner is not given', async () => {
    const file = join(dir, 'mlp-saved-runner.json');
    writeFileSync(file, JSON.stringify(tinyMlp({ epochs: 1, runner: 'pytorch' })));
    // A Python that does not exist: the PyTorch runner's own message proves which runner ran.
    const r = await run(process.execPath, ['bin/netcanvas.mjs', 'train', file], {
      env: { ...process.env, NETCANVAS_PYTHON: '/nonexistent/python3' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot train with PyTorch: no Python found/);
  });
});

// Mesa's software adapter stands in for a GPU (see test/engine/train/webgpu/train.test.ts).
const software = await registerWebGPUBackend({ software: true });

describe.skipIf(!software.ok)('netcanvas train --backend webgpu (software adapter)', { timeout: 180_000 }, () => {
  it('trains in the trainer process on WebGPU, names the adapter, and saves weights that evaluate on wasm', async () => {
    const file = join(dir, 'gpu-mlp.json');
    writeFileSync(file, JSON.stringify(tinyMlp({ epochs: 1 })));
    const env = { ...process.env, NETCANVAS_WEBGPU_SOFTWARE: '1' };
    const r = await netcanvasWith(env, 'train', file, '--json', '--backend', 'webgpu', '--limit', '320', '--batch-size', '32');
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; [k: string]: unknown });
    expect(events[0]).toMatchObject({ type: 'started', backend: { name: 'webgpu', device: expect.stringMatching(/llvmpipe/) } });
    expect(events.at(-1)).toMatchObject({ type: 'done', checkpoint: join(dir, 'gpu-mlp.weights.json') });
    const done = events.at(-1) as unknown as { metrics: { testLoss: number; testAccuracy: number } };
    expect(done.metrics.testAccuracy).toBeGreaterThan(0.25); // one short epoch: well above chance (0.1)
    // The same test digits on another backend, from the saved weights: the same loss and accuracy.
    const evaluated = await netcanvas('evaluate', file, '--json', '--backend', 'wasm', '--limit', '320');
    expect(evaluated.code).toBe(0);
    const result = JSON.parse(evaluated.stdout) as { loss: number; accuracy: number };
    expect(Math.abs(result.loss - done.metrics.testLoss)).toBeLessThan(1e-4);
    expect(result.accuracy).toBe(done.metrics.testAccuracy);
  });
});
