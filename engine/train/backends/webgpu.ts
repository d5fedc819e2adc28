/**
 * The WebGPU probe: TensorFlow.js's WebGPU backend on a device from Dawn (the `webgpu` npm
 * package), with NetCanvas's training kernels registered over the stock ones
 * (`../webgpu/device/register`). Any vendor and OS Dawn supports (Vulkan, Metal, D3D12).
 *
 * A software adapter (Mesa's llvmpipe, SwiftShader) computes correctly but far slower than the
 * wasm backend, so the automatic choice passes it over, and on Linux does not ask Dawn at all where
 * no GPU device exists (../webgpu/device/vulkan); `--backend webgpu` still uses it.
 */
import * as tf from '@tensorflow/tfjs';
import { gpuDeviceProblem } from '../webgpu/device/vulkan';
import type { ProbeResult } from './probe';

export async function tryWebGPU(options: { forced?: boolean } = {}): Promise<ProbeResult> {
  const { registerWebGPUBackend, webGPURegistrationStarted } = await import('../webgpu/device/register');
  const asked = options.forced === true || process.env.NETCANVAS_WEBGPU_SOFTWARE === '1' || webGPURegistrationStarted();
  const noDevice = asked ? null : gpuDeviceProblem();
  if (noDevice != null) return { ok: false, reason: noDevice };
  const registration = await registerWebGPUBackend();
  if (!registration.ok) return { ok: false, reason: registration.reason };
  if (registration.software && options.forced !== true) {
    return {
      ok: false,
      reason: `the only WebGPU adapter is a software renderer (${registration.adapterName}); the wasm backend is faster`,
    };
  }
  if (!(await tf.setBackend('webgpu'))) return { ok: false, reason: `tfjs-webgpu failed to initialise on ${registration.adapterName}` };
  return { ok: true, tfjsName: 'webgpu', detail: `Dawn on ${registration.adapterName}`, device: registration.adapterName };
}
