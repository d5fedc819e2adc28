/**
 * The parts of tfjs-webgpu's backend (4.22) that are not public API but that our uploads
 * (./upload), in-place dispatches (../fused/inplace) and step recordings (../replay/recording) go through, typed in one place. Pinned by the
 * exact tfjs version in package.json; the software-adapter tests exercise every one of them.
 */
import type * as tf from '@tensorflow/tfjs';

/** A tensor's entry in the backend's tensorMap. */
export interface TensorData {
  /** A host copy (before upload, or cached by a read); null once only on the GPU. */
  values: tf.TypedArray | null;
  /** The GPUBuffer, once on the GPU. */
  resource: unknown;
  refCount: number;
  dtype: tf.DataType;
  shape: number[];
}

export interface WebGPUBackendInternals {
  device: GPUDevice;
  queue: GPUQueue;
  tensorMap: { get(dataId: object): TensorData | undefined };
  bufferManager: {
    acquireBuffer(size: number, usage: number, mappedAtCreation?: boolean, reuse?: boolean): GPUBuffer;
    releaseBuffer(buffer: GPUBuffer, reuse?: boolean): void;
    /** Released buffers kept for reuse, by `${size}_${usage}`: no tensor holds them. */
    freeBuffers: Map<string, GPUBuffer[]>;
    numFreeBuffers: number;
    numBytesAllocated: number;
  };
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  uploadToGPU(dataId: object): void;
  convertAndCacheOnCPU(dataId: object, data: unknown): unknown;
  makeUniforms(uniforms: { type: 'int32' | 'float32'; data: number[] }[]): GPUBufferBinding;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  commandEncoder: GPUCommandEncoder;
  computePassEncoder: GPUComputePassEncoder | null;
  /** Data used by commands not yet submitted: their disposal waits for the submit. */
  commandQueueOwnedIds: WeakSet<object>;
  dispatchCountInPass: number;
}
