/**
 * Slot for the WebGPU backend (@tensorflow/tfjs-backend-webgpu on Dawn's Node bindings,
 * the `webgpu` package). A separate issue wires the backend itself; this hook already asks
 * Dawn for an adapter so the report says why WebGPU was passed over: no package, no
 * adapter (no GPU, or no Vulkan/Metal/D3D12 driver, as on CPU-only machines), or an
 * adapter the trainer cannot use yet.
 */
import type { ProbeResult } from './probe';

interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  description?: string;
}
interface DawnGpu {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<{ info?: AdapterInfo } | null>;
}

/** Ask Dawn for an adapter; a string says why there is none. */
export async function findWebGPUAdapter(): Promise<{ adapter: string } | { reason: string }> {
  let gpu: DawnGpu;
  try {
    const { create } = (await import(/* @vite-ignore */ 'webgpu')) as { create: (flags: string[]) => DawnGpu };
    gpu = create([]);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') return { reason: 'the webgpu package is not installed' };
    return { reason: `the webgpu package failed to load: ${String(err.message).split('\n')[0]}` };
  }
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter == null) return { reason: 'no WebGPU adapter (no GPU, or no Vulkan/Metal/D3D12 driver)' };
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.description].filter((s) => s != null && s !== '').join(' ');
    return { adapter: name || 'unnamed adapter' };
  } catch (e) {
    return { reason: `requesting a WebGPU adapter failed: ${(e as Error).message}` };
  }
}

export async function tryWebGPU(): Promise<ProbeResult> {
  const found = await findWebGPUAdapter();
  if ('reason' in found) return { ok: false, reason: found.reason };
  return { ok: false, reason: `WebGPU adapter found (${found.adapter}) but training on WebGPU is not implemented yet` };
}
