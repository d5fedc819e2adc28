/**
 * Registers TensorFlow.js's WebGPU backend in Node on a GPU device from Dawn (the `webgpu`
 * npm package), then puts NetCanvas's faster training kernels over the stock ones.
 *
 * `@tensorflow/tfjs-backend-webgpu` only registers itself when it sees a browser, so in Node we
 * build the device ourselves. On a machine without a usable adapter (no GPU, no Vulkan/Metal/D3D12
 * driver — every CPU-only CI machine) this resolves `{ok:false, reason}` and registers nothing.
 *
 * READ RULE: on WebGPU in Node only the async reads work — `await t.data()` / `await t.array()`.
 * `dataSync()` and `arraySync()` throw (they need `OffscreenCanvas`), so a trainer running on
 * this backend must read its losses/metrics asynchronously (ideally every N batches).
 *
 * @example
 *   const r = await registerWebGPUBackend();
 *   if (r.ok) { await tf.setBackend('webgpu'); console.log(r.adapterName); } // "nvidia hopper …"
 */
import * as tf from '@tensorflow/tfjs';
import { recordError, recordLoss } from './faults';
import { registerFastKernels } from '../kernels';
import { vulkanProblem } from './vulkan';

export type WebGPURegistration =
  | { ok: true; adapterName: string; /** A CPU renderer (llvmpipe, SwiftShader…), not a GPU. */ software: boolean }
  | { ok: false; reason: string };

const SOFTWARE_RENDERERS = /llvmpipe|lavapipe|swiftshader|software rasterizer/i;

export interface RegisterOptions {
  /**
   * Flags for Dawn's `create()`. `['backend=null']` gives Dawn's null adapter: shaders are
   * validated and pipelines built, nothing is computed — used to check our WGSL on CPU machines.
   */
  dawnFlags?: string[];
  /** Put NetCanvas's kernels over tfjs-webgpu's (default true). */
  fastKernels?: boolean;
  /**
   * Use Mesa's software OpenGL ES (llvmpipe, headless through EGL's surfaceless platform) under
   * Dawn's compatibility mode: a real, computing WebGPU adapter on machines without a GPU. It is
   * far slower than the wasm backend, so the trainer never picks it by itself; tests use it to
   * run the WebGPU training path on CPU machines. Default: the NETCANVAS_WEBGPU_SOFTWARE=1 env var.
   */
  software?: boolean;
}

interface DawnModule {
  create(flags: string[]): GPU;
  globals: object;
}

let registered: Promise<WebGPURegistration> | null = null;
/** The options of the first call: a registration after `retireWebGPUBackend` repeats them. */
let firstOptions: RegisterOptions | null = null;
/** The device in use, and whether we are the ones destroying it (not a fault to report). */
let current: { device: GPUDevice; retiring: boolean } | null = null;
const instances = new Map<string, GPU>();
const PRINTED_ERRORS = 5;

/** Idempotent: a second call returns the first call's answer (until the backend is retired). */
export function registerWebGPUBackend(options?: RegisterOptions): Promise<WebGPURegistration> {
  firstOptions ??= options ?? {};
  registered ??= register(options ?? firstOptions);
  return registered;
}

/** Whether a registration was asked for (and not retired) in this process, whatever its answer. */
export function webGPURegistrationStarted(): boolean {
  return registered != null;
}

/**
 * After a device fault (./faults): drops tfjs's backend and destroys the device, so that the next
 * registration starts on a new one. Needed because tfjs-webgpu's buffer pool keeps the invalid
 * buffers an out-of-memory gave it and would hand them to the next run, which then fails too; and
 * a lost device is dead. Dispose every tensor of the old backend first.
 */
export function retireWebGPUBackend(): void {
  if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
  if (current != null) {
    current.retiring = true;
    current.device.destroy();
    current = null;
  }
  registered = null;
}

/** The largest buffer the registered device can hold and bind at once, in bytes (Infinity before one exists). */
export function deviceBufferBytes(): number {
  const limits = current?.device.limits;
  return limits ? Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) : Infinity;
}

export function adapterName(info: GPUAdapterInfo | undefined): string {
  if (info == null) return 'unnamed WebGPU adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s != null && s !== '');
  return parts.length > 0 ? [...new Set(parts)].join(' ') : 'unnamed WebGPU adapter';
}

async function loadDawn(): Promise<DawnModule | string> {
  try {
    // Dynamic so that a missing or broken optional native package is a reason, never a crash.
    return (await import(/* @vite-ignore */ 'webgpu')) as unknown as DawnModule;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') return 'the webgpu package is not installed';
    return `the webgpu package failed to load: ${String(err.message).split('\n')[0]}`;
  }
}

async function register(options: RegisterOptions): Promise<WebGPURegistration> {
  const software = options.software ?? process.env.NETCANVAS_WEBGPU_SOFTWARE === '1';
  // Dawn asked for a GPU where it cannot find one prints its own warning to the terminal (./vulkan).
  const noGpu = software || options.dawnFlags != null ? null : vulkanProblem();
  if (noGpu != null) return { ok: false, reason: noGpu };
  const dawn = await loadDawn();
  if (typeof dawn === 'string') return { ok: false, reason: dawn };
  // Imported before `navigator.gpu` exists (below), so that the package's own browser-only
  // registration stays off; its Node bundle registers all its kernels on import.
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  // Mesa's EGL needs a platform that works without a display server.
  if (software) process.env.EGL_PLATFORM ??= 'surfaceless';
  let gpu: GPU;
  try {
    const flags = options.dawnFlags ?? (software ? ['backend=opengles'] : []);
    // One instance per set of flags for the whole process: a registration after a retired one
    // reuses it. Held here, since nothing else may: Dawn crashes the process if an instance is
    // collected while a device it made is still in use.
    gpu = instances.get(flags.join(' ')) ?? dawn.create(flags);
    instances.set(flags.join(' '), gpu);
    // tfjs-webgpu reads GPUBufferUsage, GPUMapMode, … from the global scope, and refuses to start
    // unless it sees `navigator.gpu` (Node 20 has no `navigator`; Node 21+ has one without `gpu`).
    Object.assign(globalThis, dawn.globals);
    const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as { gpu?: GPU };
    if (nav.gpu == null) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  } catch (e) {
    return { ok: false, reason: `Dawn failed to start: ${(e as Error).message}` };
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter(
      software ? ({ featureLevel: 'compatibility' } as GPURequestAdapterOptions) : { powerPreference: 'high-performance' },
    );
  } catch (e) {
    return { ok: false, reason: `requesting a WebGPU adapter failed: ${(e as Error).message}` };
  }
  if (adapter == null) {
    return {
      ok: false,
      reason: software
        ? "no software WebGPU adapter (Mesa's EGL and llvmpipe are needed: apt install libegl-mesa0 libgl1-mesa-dri)"
        : 'no WebGPU adapter on this machine (no GPU, or no Vulkan/Metal/D3D12 driver)',
    };
  }

  const limits = adapter.limits;
  const requiredFeatures: GPUFeatureName[] = [];
  // Lets tf.profile report per-kernel GPU time.
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredFeatures,
      requiredLimits: {
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      },
    });
  } catch (e) {
    return { ok: false, reason: `the WebGPU adapter refused a device: ${(e as Error).message}` };
  }
  // Out of memory, a buffer over the device's limits, a WGSL mistake: tfjs-webgpu never looks, so
  // without this they vanish and training runs on in nonsense. The trainer reads them (./faults).
  // One fault brings thousands of "invalid due to a previous error" after it: the first few are
  // printed (Dawn's own print of each is prevented), the trainer reports the first.
  // A retired device's late errors and its loss are our doing, not a fault of the run now going.
  const mine = { device, retiring: false };
  current = mine;
  let printed = 0;
  device.addEventListener('uncapturederror', (ev) => {
    ev.preventDefault();
    if (mine.retiring) return;
    const error = (ev as GPUUncapturedErrorEvent).error;
    recordError(error);
    if (printed < PRINTED_ERRORS) console.error(`[webgpu] ${error.message}`);
    else if (printed === PRINTED_ERRORS) console.error('[webgpu] (further GPU errors not shown)');
    printed++;
  });
  void device.lost.then((info) => mine.retiring || recordLoss(info));

  const info = adapter.info;
  let backend: InstanceType<typeof WebGPUBackend>;
  try {
    backend = new WebGPUBackend(device, info);
  } catch (e) {
    return { ok: false, reason: `tfjs-webgpu refused the device: ${(e as Error).message}` };
  }
  // A factory registered by the package itself (when it was imported with `navigator.gpu` set)
  // would ask for a second adapter with default limits: ours replaces it.
  if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => backend, 3);
  if (options.fastKernels !== false) registerFastKernels();
  if (software)
    return {
      ok: true,
      adapterName: `${adapterName(info).replace('unnamed WebGPU adapter', 'Mesa llvmpipe')} (software, OpenGL ES compatibility mode)`,
      software: true,
    };
  const name = adapterName(info);
  const fallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return { ok: true, adapterName: name, software: fallback || SOFTWARE_RENDERERS.test(name) };
}
