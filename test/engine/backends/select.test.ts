import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { BACKEND_NAMES, describeChoice, selectBackend } from '../../../engine/train/backends/select';

const fail = (reason: string) => async () => ({ ok: false as const, reason });
const succeed = (tfjsName: string) => async () => {
  await tf.setBackend('cpu'); // a stand-in; these tests are about the selection logic
  return { ok: true as const, tfjsName, detail: `fake ${tfjsName}` };
};

describe('selectBackend on this machine (no tfjs-node, no GPU)', () => {
  it('picks wasm and says why each better backend was skipped', async () => {
    const choice = await selectBackend();
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.detail).toMatch(/XNNPACK, SIMD, \d+ threads?/);
    expect(choice.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu']);
    expect(choice.skipped[0]!.reason).toContain('@tensorflow/tfjs-node-gpu is not installed');
    expect(choice.skipped[1]!.reason).toContain('@tensorflow/tfjs-node is not installed');
    expect(choice.skipped[2]!.reason).toMatch(/no WebGPU adapter|webgpu package|software renderer/);
    expect(describeChoice(choice)).toContain('skipped tensorflow: @tensorflow/tfjs-node is not installed');
  });

  it('--backend cpu forces the cpu backend', async () => {
    const choice = await selectBackend('cpu');
    expect(choice).toMatchObject({ name: 'cpu', tfjsName: 'cpu', skipped: [] });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('--backend wasm forces wasm', async () => {
    const choice = await selectBackend('wasm');
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('an unknown name is an error listing the valid names', async () => {
    await expect(selectBackend('cuda')).rejects.toThrow(
      "Unknown backend 'cuda'. Valid names: tensorflow-gpu, tensorflow, webgpu, wasm, cpu.",
    );
  });

  it('an unavailable name is an error saying why, with the valid names', async () => {
    await expect(selectBackend('tensorflow')).rejects.toThrow(
      /Backend 'tensorflow' is unavailable: @tensorflow\/tfjs-node is not installed\. Valid names: tensorflow-gpu, /,
    );
    await expect(selectBackend('tensorflow-gpu')).rejects.toThrow(/tfjs-node-gpu is not installed/);
  });
});

describe('selectBackend order (probes replaced)', () => {
  it('takes the first backend that works, best first', async () => {
    const choice = await selectBackend(undefined, {
      probes: { 'tensorflow-gpu': fail('no GPU'), tensorflow: succeed('tensorflow'), wasm: succeed('wasm') },
    });
    expect(choice).toMatchObject({ name: 'tensorflow', detail: 'fake tensorflow' });
    expect(choice.skipped).toEqual([{ name: 'tensorflow-gpu', reason: 'no GPU' }]);
  });

  it('tries every backend in the documented order and falls through to cpu', async () => {
    const tried: string[] = [];
    const probes = Object.fromEntries(
      BACKEND_NAMES.filter((n) => n !== 'cpu').map((n) => [n, async () => (tried.push(n), { ok: false as const, reason: `no ${n}` })]),
    );
    const choice = await selectBackend(undefined, { probes });
    expect(tried).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm']);
    expect(choice.name).toBe('cpu');
    expect(choice.skipped.map((s) => s.reason)).toEqual(['no tensorflow-gpu', 'no tensorflow', 'no webgpu', 'no wasm']);
  });

  it('never tries an excluded backend, and reports why it was left out', async () => {
    const webgpu = vi.fn(succeed('webgpu'));
    const choice = await selectBackend(undefined, {
      probes: { 'tensorflow-gpu': fail('no GPU'), tensorflow: fail('none'), webgpu, wasm: succeed('wasm') },
      exclude: { webgpu: 'short job' },
    });
    expect(webgpu).not.toHaveBeenCalled();
    expect(choice.name).toBe('wasm');
    expect(choice.skipped.at(-1)).toEqual({ name: 'webgpu', reason: 'short job' });
  });

  it('a probe that throws becomes a skip reason, not a crash', async () => {
    const choice = await selectBackend(undefined, {
      probes: {
        'tensorflow-gpu': async () => {
          throw new Error('binding exploded');
        },
        tensorflow: fail('absent'),
        webgpu: fail('absent'),
        wasm: succeed('wasm'),
      },
    });
    expect(choice.name).toBe('wasm');
    expect(choice.skipped[0]).toEqual({ name: 'tensorflow-gpu', reason: 'failed: binding exploded' });
  });

  it('a forced backend whose probe fails reports that probe’s reason', async () => {
    await expect(selectBackend('webgpu', { probes: { webgpu: fail('no adapter') } })).rejects.toThrow(
      "Backend 'webgpu' is unavailable: no adapter.",
    );
  });
});
