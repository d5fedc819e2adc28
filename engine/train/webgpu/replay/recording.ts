/**
 * Records the GPU commands one training step issues through tfjs-webgpu, so that later steps can
 * issue the same commands again without tfjs (./replay-step). On WebGPU in Node a step is not
 * bound by the GPU but by ~70 µs of host work per dispatch: tfjs's op bookkeeping, a new uniform
 * buffer and a new bind group each time. A recorded step keeps its pipelines, bind groups and
 * buffers, so issuing it again costs three Dawn calls per dispatch.
 *
 * That is only sound if every buffer a recorded command touches keeps meaning the same thing:
 * - buffers tfjs asks for while recording come from a pool of this module's own, never from (or
 *   back to) tfjs's pool, so no later tensor can be given one;
 * - within the recording they are reused in the order tfjs reuses them, which replays faithfully
 *   because the commands run in the same order; except those the host wrote (uniforms, scalars made
 *   from numbers), which are "pinned": never reused, so their contents are still there next time;
 * - the other buffers it touches must be variables' (weights, slots, moving statistics, written in
 *   place by ../fused/inplace): `externals` lists them for the caller to check before each replay.
 * Anything else a step might do — read back to the host, write through a mapped buffer, copy into
 * a texture — makes the recording refuse, with the reason.
 *
 * Recordings share their scratch buffers: a capture borrows what kept recordings made (nothing a
 * step leaves in one is read by a later replay: each replay copies its inputs in first and its
 * statistics out at once, and the host-written buffers are pinned, never shared), so the two
 * recordings of a kind, and the trainer's two kinds of step, hold one step's memory, not three.
 * Only large buffers are lent (`SHARED_MIN_BYTES`): the host writes small ones (scalars) during a
 * step, and a host write into a lent buffer would be overwritten by its other recording's replays;
 * should it happen anyway, the capture refuses and this recorder stops lending.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackendInternals } from '../device/internals';
import { hookDawn } from './dawn-hooks';

export type Command =
  | {
      readonly kind: 'dispatch';
      readonly pipeline: GPUComputePipeline;
      readonly group: number;
      readonly bindGroup: GPUBindGroup;
      readonly workgroups: readonly [number, number, number];
    }
  | {
      readonly kind: 'copy';
      readonly src: GPUBuffer;
      readonly srcOffset: number;
      readonly dst: GPUBuffer;
      readonly dstOffset: number;
      readonly size: number;
    };

/** One buffer binding as recorded: which buffer, and the window of it. */
export interface Binding {
  readonly buffer: GPUBuffer;
  readonly offset: number;
  readonly size: number | undefined;
}

export interface Recording {
  readonly commands: readonly Command[];
  /** The bindings of each recorded bind group. */
  readonly bindings: ReadonlyMap<GPUBindGroup, readonly Binding[]>;
  /** What the host wrote while recording, in order (their buffers are pinned). */
  readonly writes: readonly { readonly buffer: GPUBuffer; readonly offset: number; readonly bytes: Uint8Array }[];
  /** Buffers made for this recording. */
  readonly own: ReadonlySet<GPUBuffer>;
  /** Every buffer the commands bind or copy. */
  readonly touched: ReadonlySet<GPUBuffer>;
  /** How many of the commands are dispatches (what tfjs counts towards a submit). */
  readonly dispatches: number;
  /** Buffers the commands touch that were there before: each must still be its variable's at replay. */
  readonly externals: ReadonlySet<GPUBuffer>;
}

export type Capture = { ok: true; recording: Recording } | { ok: false; reason: string };

export interface Ledger {
  /** A tensor holds it (tfjs has not released it). */
  held: boolean;
  /** Written by the host: never reused for anything else. */
  pinned: boolean;
  /** Recordings kept that use it; with `held`, what keeps it alive. */
  users: number;
  /** The capture that made or borrowed it, while that capture is open (its buffers are reused within it). */
  capture: Open | null;
}

export interface Open {
  readonly commands: Command[];
  readonly bindings: Map<GPUBindGroup, Binding[]>;
  readonly writes: { buffer: GPUBuffer; offset: number; bytes: Uint8Array }[];
  readonly own: Set<GPUBuffer>;
  readonly free: Map<string, GPUBuffer[]>;
  /** Buffers of kept recordings this capture was lent (also in `own`: scratch to it too). */
  readonly borrowed: Set<GPUBuffer>;
  /** The copies of the inputs, which every replay fills (the step may not read them all). */
  readonly inputs: GPUBuffer[];
  refusal: string | null;
}

/** The smallest buffer one recording lends another: a step's host writes go to smaller ones. */
const SHARED_MIN_BYTES = 64 * 1024;

type Backend = WebGPUBackendInternals;

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** The recorder of one backend: its own buffers, and the hooks that capture a step. */
export class StepRecorder {
  private readonly ledger = new WeakMap<GPUBuffer, Ledger>();
  private open: Open | null = null;
  /** Kept recordings' scratch buffers that a capture may borrow, by `${size}_${usage}`. */
  private readonly spare = new Map<string, Set<GPUBuffer>>();
  /** Off for good once a step wrote from the host into a borrowed buffer. */
  private lending = true;
  /** Buffers alive in this recorder's pool (for tests and the bench: nothing may leak). */
  live = 0;

  /** Whether captures may still borrow kept recordings' scratch buffers. */
  get lends(): boolean {
    return this.lending;
  }

  constructor(private readonly backend: Backend) {
    const manager = backend.bufferManager;
    const acquire = manager.acquireBuffer.bind(manager);
    const release = manager.releaseBuffer.bind(manager);
    // Permanent: a buffer of ours may be released long after its capture (a disposed tensor).
    manager.acquireBuffer = (size: number, usage: number, mappedAtCreation = false, reuse = true) => {
      const open = this.open;
      if (open == null) return acquire(size, usage, mappedAtCreation, reuse);
      if (mappedAtCreation || (usage & GPUBufferUsage.MAP_READ) !== 0) {
        open.refusal ??= mappedAtCreation ? 'the step writes through a mapped buffer' : 'the step reads a tensor back to the host';
        return acquire(size, usage, mappedAtCreation, reuse);
      }
      const key = `${size}_${usage}`;
      const reused = open.free.get(key)?.pop() ?? this.borrow(key, open);
      if (reused != null) {
        this.ledger.get(reused)!.held = true;
        return reused;
      }
      const buffer = this.create(size, usage, open);
      open.own.add(buffer);
      return buffer;
    };
    manager.releaseBuffer = (buffer: GPUBuffer, reuse = true) => {
      const entry = this.ledger.get(buffer);
      if (entry == null) return release(buffer, reuse);
      entry.held = false;
      if (entry.capture != null && entry.capture === this.open && !entry.pinned) {
        const key = keyOf(buffer);
        const free = entry.capture.free.get(key) ?? [];
        free.push(buffer);
        entry.capture.free.set(key, free);
      } else if (entry.capture == null && entry.users === 0) this.destroy(buffer);
    };
  }

  /** A new tfjs tensor (in tfjs's pool) holding a copy of `buffer`: what a replayed step hands out. */
  copyOut(buffer: GPUBuffer, shape: number[], dtype: tf.DataType): tf.Tensor {
    const info = this.backend.makeTensorInfo(shape, dtype);
    this.backend.uploadToGPU(info.dataId);
    const target = this.backend.tensorMap.get(info.dataId)!.resource as GPUBuffer;
    this.encodeCopy(buffer, target, target.size);
    this.backend.commandQueueOwnedIds.add(info.dataId);
    return tf.engine().makeTensorFromTensorInfo(info);
  }

  /** The GPU buffer of `t` (uploading it first if it is still on the host). */
  bufferOf(t: tf.Tensor): GPUBuffer {
    this.backend.uploadToGPU(t.dataId);
    return this.backend.tensorMap.get(t.dataId)!.resource as GPUBuffer;
  }

  /**
   * Records everything `run` issues, given private copies of `inputs` (which replays copy new
   * inputs into). `run` must do all its GPU work before it settles, and nothing else may issue
   * work meanwhile: the trainer's step qualifies, it queues and returns. Then `close`.
   */
  async capture<T>(
    inputs: readonly tf.Tensor[],
    run: (copies: tf.Tensor[]) => Promise<T>,
  ): Promise<{ value: T; open: Open; inputs: GPUBuffer[] }> {
    if (this.open != null) throw new Error('StepRecorder: captures do not nest');
    const open: Open = {
      commands: [],
      bindings: new Map(),
      writes: [],
      own: new Set(),
      free: new Map(),
      borrowed: new Set(),
      inputs: [],
      refusal: null,
    };
    const buffers = open.inputs;
    const copies = inputs.map((t) => {
      const source = this.bufferOf(t);
      const buffer = this.create(source.size, STORAGE(), open);
      open.own.add(buffer);
      buffers.push(buffer);
      this.encodeCopy(source, buffer, source.size);
      this.backend.commandQueueOwnedIds.add(t.dataId);
      return this.wrap(t.shape, t.dtype, buffer);
    });
    // Each capture starts at a submit, where tfjs releases buffers: then two captures of the same
    // step reuse buffers alike, and compare equal.
    this.flush();
    this.open = open;
    const unhook = hookDawn(open, this.ledger, () => (this.lending = false));
    try {
      return { value: await run(copies), open, inputs: buffers };
    } catch (err) {
      this.dropBuffers(open.own); // the step failed: nothing of it is kept
      throw err;
    } finally {
      unhook();
      this.open = null;
      tf.dispose(copies);
    }
  }

  /**
   * Ends a capture once the caller has disposed what the step returned (after copying out what it
   * hands on): a buffer of the capture that a tensor still holds and that no host wrote would be
   * overwritten by every replay, so that refuses.
   */
  close(open: Open): Capture {
    this.flush();
    for (const buffer of open.own) this.ledger.get(buffer)!.capture = null;
    const held = [...open.own].filter((b) => this.ledger.get(b)!.held && !this.ledger.get(b)!.pinned);
    let reason = open.refusal;
    if (reason == null && held.length > 0) reason = `${held.length} tensor(s) made during the step outlive it`;
    if (reason == null && open.commands.length === 0) reason = 'the step issued no GPU commands';
    if (reason != null) {
      this.dropBuffers(open.own); // lent ones stay their recordings' (users > 0)
      return { ok: false, reason };
    }
    // An input the step never reads still gets each replay's copy: it must outlive the recording.
    const touched = touchedBy(open.commands, open.bindings);
    for (const b of open.inputs) touched.add(b);
    for (const b of touched) {
      const entry = this.ledger.get(b);
      if (entry == null) continue;
      entry.users++;
      if (open.own.has(b) && !entry.pinned && !entry.held && b.size >= SHARED_MIN_BYTES) this.spareSet(b).add(b);
    }
    // Made but never bound (an op short-circuited): nothing needs them.
    this.dropBuffers([...open.own].filter((b) => !touched.has(b)));
    const externals = new Set([...touched].filter((b) => !open.own.has(b)));
    const dispatches = open.commands.filter((c) => c.kind === 'dispatch').length;
    return {
      ok: true,
      recording: { commands: open.commands, bindings: open.bindings, writes: open.writes, own: open.own, touched, externals, dispatches },
    };
  }

  /**
   * Frees the large buffers in tfjs's pool that no tensor holds; returns the bytes. Once a step is
   * replayed, what its runs through tfjs left there is not used again (a replay uses the
   * recording's buffers), and it is a whole step's worth of GPU memory. Later tfjs work (a short
   * last batch, validation) allocates afresh. Submits first: nothing encoded may use them.
   */
  trimBackendPool(): number {
    this.flush();
    const manager = this.backend.bufferManager;
    let freed = 0;
    for (const buffers of manager.freeBuffers.values()) {
      if (buffers.length === 0 || buffers[0]!.size < SHARED_MIN_BYTES) continue;
      for (const b of buffers.splice(0)) {
        freed += b.size;
        manager.numFreeBuffers--;
        manager.numBytesAllocated -= b.size;
        b.destroy();
      }
    }
    return freed;
  }

  /** Lets go of a kept recording; its buffers go once no tensor holds them. */
  drop(recording: Recording): void {
    const unused: GPUBuffer[] = [];
    for (const b of recording.touched) {
      const entry = this.ledger.get(b);
      if (entry == null) continue;
      entry.users--;
      if (entry.users > 0) continue;
      this.spare.get(keyOf(b))?.delete(b); // no recording left to lend it
      if (!entry.held) unused.push(b);
    }
    this.destroyAll(unused);
  }

  /** A kept recording's scratch buffer of this size and usage that `open` has not used yet. */
  private borrow(key: string, open: Open): GPUBuffer | undefined {
    if (!this.lending) return undefined;
    for (const b of this.spare.get(key) ?? []) {
      const entry = this.ledger.get(b)!;
      if (open.own.has(b) || entry.held) continue;
      entry.capture = open;
      open.own.add(b);
      open.borrowed.add(b);
      return b;
    }
    return undefined;
  }

  private spareSet(b: GPUBuffer): Set<GPUBuffer> {
    const key = keyOf(b);
    let set = this.spare.get(key);
    if (set == null) this.spare.set(key, (set = new Set()));
    return set;
  }

  /** Is this buffer one of ours that the host wrote (a constant a later recording may read)? */
  isPinned(buffer: GPUBuffer): boolean {
    return this.ledger.get(buffer)?.pinned === true;
  }

  /**
   * Issues `recording` again: each input tensor copied into the recording's buffer for it, every
   * command, and `stats` copied out into a new tfjs tensor, which is returned. Submitted as tfjs
   * would: once enough dispatches are waiting (a small step shares a submit).
   */
  replay(
    recording: Recording,
    inputs: readonly (readonly [tf.Tensor, GPUBuffer])[],
    stats: { buffer: GPUBuffer; shape: number[] },
  ): tf.Tensor {
    this.encode(
      recording,
      inputs.map(([t, to]) => ({ from: this.bufferOf(t), to })),
    );
    for (const [t] of inputs) this.backend.commandQueueOwnedIds.add(t.dataId);
    const out = this.copyOut(stats.buffer, stats.shape, 'float32');
    this.backend.dispatchCountInPass += recording.dispatches;
    if (this.backend.dispatchCountInPass >= tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')) this.flush();
    return out;
  }

  /** What tfjs holds `t` in now (its GPU buffer, or null while it is on the host), without uploading it. */
  resourceOf(t: tf.Tensor): unknown {
    return this.backend.tensorMap.get(t.dataId)?.resource ?? null;
  }

  /** Encodes `recording` into tfjs's command stream: inputs copied in, then every command. */
  private encode(recording: Recording, inputs: readonly { from: GPUBuffer; to: GPUBuffer }[]): void {
    const b = this.backend;
    b.ensureCommandEncoderReady();
    b.endComputePassEncoder();
    const encoder = b.commandEncoder;
    for (const { from, to } of inputs) encoder.copyBufferToBuffer(from, 0, to, 0, to.size);
    let pass: GPUComputePassEncoder | null = null;
    let pipeline: GPUComputePipeline | null = null;
    for (const c of recording.commands) {
      if (c.kind === 'copy') {
        pass?.end();
        pass = null;
        encoder.copyBufferToBuffer(c.src, c.srcOffset, c.dst, c.dstOffset, c.size);
        continue;
      }
      if (pass == null) {
        pass = encoder.beginComputePass();
        pipeline = null;
      }
      if (c.pipeline !== pipeline) pass.setPipeline((pipeline = c.pipeline));
      pass.setBindGroup(c.group, c.bindGroup);
      pass.dispatchWorkgroups(c.workgroups[0], c.workgroups[1], c.workgroups[2]);
    }
    pass?.end();
  }

  /** Submits what is encoded, so that tfjs releases what waited for it. */
  flush(): void {
    this.backend.ensureCommandEncoderReady();
    this.backend.endComputePassEncoder();
    this.backend.submitQueue();
  }

  private create(size: number, usage: number, capture: Open | null): GPUBuffer {
    const buffer = this.backend.device.createBuffer({ size, usage });
    this.ledger.set(buffer, { held: true, pinned: false, users: 0, capture });
    this.live++;
    return buffer;
  }

  /**
   * Destroys buffers that replays may still use in commands encoded but not yet submitted: those
   * are submitted first (a destroyed buffer in a submit fails it, and every command with it).
   */
  private destroyAll(buffers: readonly GPUBuffer[]): void {
    if (buffers.length === 0) return;
    this.flush();
    for (const b of buffers) this.destroy(b);
  }

  private destroy(buffer: GPUBuffer): void {
    if (!this.ledger.has(buffer)) return;
    this.ledger.delete(buffer);
    this.spare.get(keyOf(buffer))?.delete(buffer);
    buffer.destroy();
    this.live--;
  }

  private dropBuffers(buffers: Iterable<GPUBuffer>): void {
    const unused: GPUBuffer[] = [];
    for (const b of buffers) {
      const entry = this.ledger.get(b);
      if (entry == null) continue;
      entry.capture = null;
      if (entry.users === 0 && !entry.held) unused.push(b);
    }
    this.destroyAll(unused);
  }

  private encodeCopy(from: GPUBuffer, to: GPUBuffer, size: number): void {
    this.backend.ensureCommandEncoderReady();
    this.backend.endComputePassEncoder();
    this.backend.commandEncoder.copyBufferToBuffer(from, 0, to, 0, size);
  }

  private wrap(shape: number[], dtype: tf.DataType, buffer: GPUBuffer): tf.Tensor {
    const info = this.backend.makeTensorInfo(shape, dtype);
    this.backend.tensorMap.get(info.dataId)!.resource = buffer;
    return tf.engine().makeTensorFromTensorInfo(info);
  }
}

function keyOf(b: GPUBuffer): string {
  return `${b.size}_${b.usage}`;
}

/** Every buffer the commands bind or copy. */
function touchedBy(commands: readonly Command[], bindings: ReadonlyMap<GPUBindGroup, readonly Binding[]>): Set<GPUBuffer> {
  const touched = new Set<GPUBuffer>();
  for (const c of commands) {
    if (c.kind === 'copy') touched.add(c.src).add(c.dst);
    else for (const b of bindings.get(c.bindGroup) ?? []) touched.add(b.buffer);
  }
  return touched;
}

/** Each backend's recorder (made on first use). */
const recorders = new WeakMap<object, StepRecorder>();

export function recorderFor(backend: object): StepRecorder {
  let recorder = recorders.get(backend);
  if (recorder == null) recorders.set(backend, (recorder = new StepRecorder(backend as Backend)));
  return recorder;
}
