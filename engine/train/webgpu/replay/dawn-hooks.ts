/**
 * How a capture sees a step's GPU commands: Dawn's prototypes patched for the time of the capture
 * (./recording opens and closes it). Every dispatch and buffer copy is recorded with its pipeline
 * and bindings, every host write with its bytes; anything a replay could not repeat faithfully
 * refuses the capture, with the reason.
 */
import type { Binding, Ledger, Open } from './recording';

/**
 * Patches Dawn's prototypes to see every command while `open` records; returns the undo. What a
 * step may not do in a recording (read back, write a texture, write from the host into a buffer it
 * did not make…) sets `open.refusal`; a host write into a lent buffer also stops the lending.
 */
export function hookDawn(open: Open, ledger: WeakMap<GPUBuffer, Ledger>, stopLending: () => void): () => void {
  const undo: (() => void)[] = [];
  const patch = <P extends object, K extends keyof P>(proto: P, key: K, make: (original: P[K]) => P[K]) => {
    const original = proto[key];
    proto[key] = make(original);
    undo.push(() => (proto[key] = original));
  };
  const refuse = (reason: string) => (open.refusal ??= reason);
  let pipeline: GPUComputePipeline | null = null;
  let bindGroup: { group: number; bindGroup: GPUBindGroup } | null = null;

  patch(
    GPUDevice.prototype,
    'createBindGroup',
    (original) =>
      function (this: GPUDevice, descriptor: GPUBindGroupDescriptor) {
        const group = original.call(this, descriptor);
        const bindings: Binding[] = [];
        for (const entry of descriptor.entries) {
          const resource = entry.resource as GPUBufferBinding | GPUBuffer;
          if (resource instanceof GPUBuffer) bindings.push({ buffer: resource, offset: 0, size: undefined });
          else if (resource != null && (resource as GPUBufferBinding).buffer instanceof GPUBuffer)
            bindings.push({ buffer: resource.buffer, offset: resource.offset ?? 0, size: resource.size });
          else refuse('the step binds a texture or sampler');
        }
        open.bindings.set(group, bindings);
        return group;
      },
  );
  patch(
    GPUComputePassEncoder.prototype,
    'setPipeline',
    (original) =>
      function (this: GPUComputePassEncoder, p: GPUComputePipeline) {
        pipeline = p;
        return original.call(this, p);
      },
  );
  patch(
    GPUComputePassEncoder.prototype,
    'setBindGroup',
    (original) =>
      function (this: GPUComputePassEncoder, ...args: Parameters<GPUComputePassEncoder['setBindGroup']>) {
        if (args.length > 2 && args[2] != null && (args[2] as ArrayLike<number>).length > 0) refuse('the step uses dynamic offsets');
        bindGroup = { group: args[0], bindGroup: args[1] as GPUBindGroup };
        return (original as (...a: unknown[]) => undefined).apply(this, args);
      } as GPUComputePassEncoder['setBindGroup'],
  );
  patch(
    GPUComputePassEncoder.prototype,
    'dispatchWorkgroups',
    (original) =>
      function (this: GPUComputePassEncoder, x: number, y?: number, z?: number) {
        if (pipeline == null || bindGroup == null || !open.bindings.has(bindGroup.bindGroup))
          refuse('the step dispatches with state set before recording');
        else
          open.commands.push({
            kind: 'dispatch',
            pipeline,
            group: bindGroup.group,
            bindGroup: bindGroup.bindGroup,
            workgroups: [x, y ?? 1, z ?? 1],
          });
        return original.call(this, x, y, z);
      },
  );
  patch(
    GPUComputePassEncoder.prototype,
    'dispatchWorkgroupsIndirect',
    (original) =>
      function (this: GPUComputePassEncoder, ...args: Parameters<GPUComputePassEncoder['dispatchWorkgroupsIndirect']>) {
        refuse('the step dispatches indirectly');
        return original.apply(this, args);
      },
  );
  patch(
    GPUCommandEncoder.prototype,
    'copyBufferToBuffer',
    (original) =>
      function (this: GPUCommandEncoder, ...args: unknown[]) {
        const [src, srcOffset, dst, dstOffset, size] = args as [GPUBuffer, number, GPUBuffer, number, number | undefined];
        if ((dst.usage & GPUBufferUsage.MAP_READ) !== 0) refuse('the step reads a tensor back to the host');
        open.commands.push({ kind: 'copy', src, srcOffset, dst, dstOffset, size: size ?? src.size - srcOffset });
        return (original as (...a: unknown[]) => undefined).apply(this, args);
      } as GPUCommandEncoder['copyBufferToBuffer'],
  );
  for (const key of ['copyBufferToTexture', 'copyTextureToBuffer', 'copyTextureToTexture', 'clearBuffer', 'beginRenderPass'] as const) {
    patch(
      GPUCommandEncoder.prototype,
      key,
      (original) =>
        function (this: GPUCommandEncoder, ...args: unknown[]) {
          refuse(`the step uses ${key}`);
          return (original as (...a: unknown[]) => unknown).apply(this, args);
        } as never,
    );
  }
  patch(
    GPUQueue.prototype,
    'writeBuffer',
    (original) =>
      function (this: GPUQueue, ...args: unknown[]) {
        const [buffer, offset, data, dataOffset = 0, size] = args as [
          GPUBuffer,
          number,
          ArrayBufferView | ArrayBuffer,
          number | undefined,
          number | undefined,
        ];
        const entry = ledger.get(buffer);
        if (entry == null || entry.capture !== open) refuse('the step writes from the host into a buffer it did not make');
        else if (open.borrowed.has(buffer)) {
          refuse('the step writes from the host into a buffer another recording lent it');
          stopLending();
        } else {
          entry.pinned = true;
          const base = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
          const unit = data instanceof ArrayBuffer ? 1 : ((data as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1);
          const start = dataOffset * unit;
          const bytes = base.slice(start, size == null ? undefined : start + size * unit);
          open.writes.push({ buffer, offset, bytes });
        }
        return (original as (...a: unknown[]) => undefined).apply(this, args);
      } as GPUQueue['writeBuffer'],
  );
  patch(
    GPUQueue.prototype,
    'writeTexture',
    (original) =>
      function (this: GPUQueue, ...args: unknown[]) {
        refuse('the step writes a texture');
        return (original as (...a: unknown[]) => undefined).apply(this, args);
      } as GPUQueue['writeTexture'],
  );
  patch(
    GPUBuffer.prototype,
    'mapAsync',
    (original) =>
      function (this: GPUBuffer, ...args: unknown[]) {
        refuse('the step reads a buffer back to the host');
        return (original as (...a: unknown[]) => Promise<undefined>).apply(this, args);
      } as GPUBuffer['mapAsync'],
  );
  return () => undo.reverse().forEach((u) => u());
}
