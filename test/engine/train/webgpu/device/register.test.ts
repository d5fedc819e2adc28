/**
 * Registration on the machine the tests run on: on CPU-only machines (CI, this workplace) Dawn
 * finds no adapter and the answer must be a clean reason; on a GPU machine, a named adapter.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { adapterName, registerWebGPUBackend } from '../../../../../engine/train/webgpu/device/register';

describe('registerWebGPUBackend', () => {
  it('answers ok with an adapter name, or a reason without throwing', async () => {
    const result = await registerWebGPUBackend();
    if (result.ok) {
      expect(result.adapterName.length).toBeGreaterThan(0);
      expect(tf.findBackendFactory('webgpu')).toBeDefined();
    } else {
      expect(result.reason).toMatch(/adapter|webgpu|Dawn/i);
      // Nothing half-registered: the trainer's selection can fall through to wasm/cpu.
      expect(tf.engine().registryFactory['webgpu']).toBeUndefined();
    }
  });

  it('is idempotent', async () => {
    expect(await registerWebGPUBackend()).toEqual(await registerWebGPUBackend());
  });

  it('names adapters from whatever info fields Dawn fills', () => {
    expect(adapterName({ vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100' } as GPUAdapterInfo)).toBe(
      'nvidia hopper NVIDIA H100',
    );
    expect(adapterName(undefined)).toBe('unnamed WebGPU adapter');
  });
});
