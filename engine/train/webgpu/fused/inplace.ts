/**
 * Kernels that update several float32 buffers in place in one dispatch — an optimizer's weight and
 * its slots, batch norm's two moving statistics — encoded into tfjs-webgpu's own command stream.
 * A tfjs-webgpu program writes exactly one new tensor, so SGD with momentum took 2 launches per
 * weight and Adam 3; in place, each is 1. On WebGPU in Node a launch costs ~70 µs of host time
 * whatever its size, so launches are what a training step is made of. PyTorch's optimizers update
 * in place too.
 *
 * In place is only safe when nothing else holds the buffer: `runInPlace` refuses (returns false)
 * unless every tensor it would write is the sole owner of its data (refCount 1). `updateInPlace`,
 * what the fused updates call, then gives each such variable a copy of its own (a fresh slot, a
 * checkpoint just loaded: it happens once, not every step) and runs in place after all, so each
 * update's maths lives in its one in-place kernel. And tfjs must never serve a host copy of it: tfjs-webgpu keeps
 * what a read returned as the tensor's values (and then even computes small ops on the host from
 * them), which goes stale at the next write — also when the read was requested before a write
 * and resolves after it. So a host copy is dropped at each write, and none is kept for a buffer
 * that has been written in place.
 *
 * @example
 *   // ./momentum: value and accumulation updated together, in one launch
 *   updateInPlace(IN_PLACE.plain, [value, accumulation], [gradient], [lr, momentum]);
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackendInternals as BackendInternals } from '../device/internals';
import { ElementwiseProgram, runToTensor } from '../device/program';

export interface InPlaceKernel {
  /** Pipeline cache key: must name everything baked into the WGSL. */
  readonly key: string;
  /** Buffers written (and read), in binding order; all the size of the first. */
  readonly writable: readonly string[];
  /**
   * Buffers only read, of any size (a scalar flag is `name[0]`). Declared as tfjs stores them:
   * f32, or i32 for int32 and bool (a cast from bool can keep the int32 buffer), so read them
   * through `f32(…)` where either may come.
   */
  readonly readable: readonly string[];
  /** f32 uniforms, named, in the order their values are passed; `uniforms.size` is always there. */
  readonly uniforms: readonly string[];
  /**
   * WGSL statements for element `i` (an i32) reading and writing the arrays by name; `finite(x)`
   * is there to test a value. Every array must be used: the pipeline's layout is derived from the
   * shader, and an unused one is left out.
   */
  readonly body: string;
}

const WORKGROUP = 256;
/** Beyond this many workgroups the kernel loops (grid stride), so any size fits the dispatch limit. */
const MAX_WORKGROUPS = 4096;

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();
/** Data written in place at least once: tfjs may not cache a host copy of it. */
const writtenInPlace = new WeakSet<object>();
const uncachedBackends = new WeakSet<object>();

function keepNoHostCopies(backend: BackendInternals): void {
  if (uncachedBackends.has(backend)) return;
  uncachedBackends.add(backend);
  const cache = backend.convertAndCacheOnCPU;
  backend.convertAndCacheOnCPU = function (this: BackendInternals, dataId: object, data: unknown) {
    return writtenInPlace.has(dataId) ? data : cache.call(this, dataId, data);
  };
}

type Word = 'f32' | 'i32';

export function inPlaceShader(k: InPlaceKernel, readableTypes: readonly Word[] = k.readable.map(() => 'f32')): string {
  const buffers = [
    ...k.writable.map((name, i) => `@group(0) @binding(${i}) var<storage, read_write> ${name} : array<f32>;`),
    ...k.readable.map((name, i) => `@group(0) @binding(${k.writable.length + i}) var<storage, read> ${name} : array<${readableTypes[i]}>;`),
  ];
  const fields = ['size : i32', ...k.uniforms.map((u) => `${u} : f32`)].join(', ');
  return `${buffers.join('\n')}
struct Uniforms { ${fields} }
@group(0) @binding(${k.writable.length + k.readable.length}) var<uniform> uniforms : Uniforms;

// Not x == x: WGSL lets a compiler assume no NaN or ∞, which the bits cannot hide.
fn finite(x : f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) groups : vec3<u32>) {
  let stride = i32(groups.x) * ${WORKGROUP};
  for (var i = i32(gid.x); i < uniforms.size; i = i + stride) {
    ${k.body}
  }
}`;
}

function pipelineFor(device: GPUDevice, kernel: InPlaceKernel, readableTypes: readonly Word[]): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (cache == null) pipelines.set(device, (cache = new Map()));
  const key = `${kernel.key}(${readableTypes.join(',')})`;
  let pipeline = cache.get(key);
  if (pipeline == null) {
    const module = device.createShaderModule({ code: inPlaceShader(kernel, readableTypes) });
    pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    cache.set(key, pipeline);
  }
  return pipeline;
}

/**
 * Encodes `kernel` over `writable` (updated in place) and `readable`. False, having done nothing,
 * when not on WebGPU or when a written tensor shares its data with another tensor.
 */
export function runInPlace(
  kernel: InPlaceKernel,
  writable: readonly tf.Tensor[],
  readable: readonly tf.Tensor[],
  uniforms: readonly number[],
): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const backend = tf.backend() as unknown as BackendInternals;
  const written = writable.map((t) => backend.tensorMap.get(t.dataId));
  if (written.some((d) => d == null || d.refCount !== 1 || d.dtype !== 'float32')) return false;
  const all = [...writable, ...readable];
  // Two bindings of one buffer, one of them writable, is invalid in WebGPU.
  if (new Set(all.map((t) => t.dataId)).size !== all.length) return false;
  const size = writable[0]!.size;
  if (size === 0) return true;

  keepNoHostCopies(backend);
  for (const t of all) backend.uploadToGPU(t.dataId);
  const readableTypes = readable.map((t): Word => (['int32', 'bool'].includes(backend.tensorMap.get(t.dataId)!.dtype) ? 'i32' : 'f32'));
  const pipeline = pipelineFor(backend.device, kernel, readableTypes);
  const entries: GPUBindGroupEntry[] = all.map((t, binding) => ({
    binding,
    resource: { buffer: backend.tensorMap.get(t.dataId)!.resource as GPUBuffer },
  }));
  entries.push({
    binding: all.length,
    resource: backend.makeUniforms([{ type: 'int32', data: [size] }, ...uniforms.map((u) => ({ type: 'float32' as const, data: [u] }))]),
  });
  const bindGroup = backend.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });

  // As tfjs-webgpu's own recordAndSubmit: into the open compute pass, submitted in batches.
  backend.ensureCommandEncoderReady();
  if (backend.computePassEncoder == null) backend.computePassEncoder = backend.commandEncoder.beginComputePass({});
  backend.computePassEncoder.setPipeline(pipeline);
  backend.computePassEncoder.setBindGroup(0, bindGroup);
  backend.computePassEncoder.dispatchWorkgroups(Math.min(Math.ceil(size / WORKGROUP), MAX_WORKGROUPS));
  // Tensors disposed before the submit keep their buffers until it (tfjs's own rule).
  for (const t of all) backend.commandQueueOwnedIds.add(t.dataId);
  for (const t of writable) writtenInPlace.add(t.dataId);
  for (const d of written) d!.values = null;
  backend.dispatchCountInPass++;
  if (backend.dispatchCountInPass >= tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
  return true;
}

/** A copy of `t` in a buffer of its own (float32), on the GPU. */
function copyOnDevice(t: tf.Tensor): tf.Tensor {
  return runToTensor(new ElementwiseProgram(t.shape as number[], ['x'], 'ncCopy', 'x[index]', ''), [t], []);
}

/**
 * `runInPlace` for an update that must happen (an optimizer's step, batch norm's moving
 * statistics): a written variable whose buffer another tensor shares is first given a copy of its
 * own, and a read tensor bound twice is read from a copy. Only on WebGPU; throws if in place still
 * cannot run (a programmer's error: a written tensor that is not float32).
 */
export function updateInPlace(
  kernel: InPlaceKernel,
  writable: readonly tf.Variable[],
  readable: readonly tf.Tensor[],
  uniforms: readonly number[],
): void {
  if (runInPlace(kernel, writable, readable, uniforms)) return;
  const backend = tf.backend() as unknown as BackendInternals;
  for (const v of writable) {
    if (backend.tensorMap.get(v.dataId)?.refCount === 1) continue;
    const own = copyOnDevice(v);
    v.assign(own);
    own.dispose();
  }
  const seen = new Set<object>(writable.map((t) => t.dataId));
  const copies: tf.Tensor[] = [];
  const reads = readable.map((t) => {
    if (!seen.has(t.dataId)) return (seen.add(t.dataId), t);
    const copy = copyOnDevice(t);
    copies.push(copy);
    return copy;
  });
  const ran = runInPlace(kernel, writable, reads, uniforms);
  tf.dispose(copies);
  if (!ran) throw new Error(`${kernel.key}: the update cannot run in place (not on WebGPU, or a tensor it writes is not float32)`);
}
