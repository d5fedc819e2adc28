/**
 * What went wrong on the GPU, as Dawn reports it. tfjs-webgpu never asks: a buffer the GPU cannot
 * give (out of memory, or larger than it can bind) comes back invalid, every command that touches
 * it is dropped, and reads give zeros. Training would then "finish" on nonsense and save it as a
 * checkpoint. The registration (./register) feeds every uncaptured error and the device's loss in
 * here; the trainer watches from its start, asks after each read, and stops with the reason.
 *
 * @example
 *   const watch = watchFaults();
 *   // … queue steps, read them …
 *   const fault = watch.fault(); // { kind: 'memory', message: 'Out of memory.' } or null
 */

export type FaultKind =
  /** The GPU had no memory left for a buffer. */
  | 'memory'
  /** A buffer is larger than the GPU will hold or bind at once. */
  | 'limit'
  /** The device is gone: a driver reset, a GPU removed, the machine slept. */
  | 'lost'
  /** Any other error the GPU reported: a NetCanvas or tfjs bug. */
  | 'error';

export interface GpuFault {
  readonly kind: FaultKind;
  /** Dawn's words, first line only. */
  readonly message: string;
  /** For `limit`: the bytes asked for and the GPU's limit, where Dawn's message gives them. */
  readonly bytes?: { readonly asked: number; readonly limit: number };
}

export interface FaultWatch {
  /**
   * The device's loss, if it was lost since the watch began: the cause of everything else, though
   * reported after the errors it causes (work on a lost device fails at once). Else the first
   * fault since (later ones are mostly "invalid due to a previous error"), or null.
   */
  fault(): GpuFault | null;
}

interface Seen {
  first: GpuFault | null;
  lost: GpuFault | null;
}

/** Weakly held: a watch nobody asks any more (a finished run's) goes with its owner. */
const watches = new Set<WeakRef<Seen>>();

export function watchFaults(): FaultWatch {
  const seen: Seen = { first: null, lost: null };
  watches.add(new WeakRef(seen));
  return { fault: () => seen.lost ?? seen.first };
}

/** Dawn's phrasings for a size over a device limit (buffer size, binding size). */
const OVER_LIMIT = /exceeds the max|larger than the max/i;

export function classifyError(error: { readonly message: string; readonly constructor?: { readonly name?: string } }): GpuFault {
  const message = firstLine(error.message);
  const type = error.constructor?.name ?? '';
  if (type === 'GPUOutOfMemoryError') return { kind: 'memory', message };
  if (type === 'GPUValidationError' && OVER_LIMIT.test(message)) {
    // "Binding size (205520896) of [Buffer] is larger than the maximum storage buffer binding size (134217728)."
    const sizes = [...message.matchAll(/\((\d+)\)/g)].map((m) => Number(m[1]));
    return sizes.length >= 2 ? { kind: 'limit', message, bytes: { asked: sizes[0]!, limit: sizes.at(-1)! } } : { kind: 'limit', message };
  }
  return { kind: 'error', message };
}

export function recordError(error: { readonly message: string }): void {
  record(classifyError(error));
}

export function recordLoss(info: { readonly reason?: string; readonly message: string }): void {
  record({ kind: 'lost', message: firstLine(info.message) || `the device was lost (${info.reason ?? 'unknown'})` });
}

/**
 * What the trainer tells the user: what happened and what to do. `batchSize` is the run's, since
 * almost every memory or limit fault on a student's GPU is a batch too large for it.
 */
export function describeFault(fault: GpuFault, device: string, batchSize: number): string {
  const cpu = 'or train on the CPU (in the app, "on the CPU only" beside Train; in the CLI, --backend wasm)';
  switch (fault.kind) {
    case 'memory':
      return `the GPU (${device}) ran out of memory. Try a smaller batch size (now ${batchSize}), ${cpu}`;
    case 'limit': {
      const sizes = fault.bytes
        ? ` (a tensor of ${mib(fault.bytes.asked)}; this GPU takes at most ${mib(fault.bytes.limit)} in one buffer)`
        : '';
      return `the GPU (${device}) cannot hold one of this graph's tensors at this batch size${sizes}. Try a smaller batch size (now ${batchSize}), ${cpu}`;
    }
    case 'lost':
      return `the GPU (${device}) stopped working: ${fault.message} (a driver reset, or the machine sleeping). Start the run again`;
    case 'error':
      return `the GPU (${device}) reported an error: ${fault.message}. This is a NetCanvas bug, please report it; meanwhile train on the CPU (in the app, "on the CPU only" beside Train; in the CLI, --backend wasm)`;
  }
}

function record(fault: GpuFault): void {
  for (const ref of watches) {
    const seen = ref.deref();
    if (seen == null) watches.delete(ref);
    else if (fault.kind === 'lost') seen.lost ??= fault;
    else seen.first ??= fault;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;
}
