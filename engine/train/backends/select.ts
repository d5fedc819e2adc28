/**
 * Picks the fastest TensorFlow.js backend this machine can run, best first:
 * tensorflow-gpu → tensorflow → webgpu → wasm → cpu, and says why each better one was
 * skipped. `preferred` (the CLI's `--backend NAME`) forces one.
 *
 * @example
 *   const choice = await selectBackend();
 *   // { name: 'wasm', tfjsName: 'wasm', detail: 'XNNPACK, SIMD, 2 threads, …',
 *   //   skipped: [{ name: 'tensorflow-gpu', reason: '@tensorflow/tfjs-node-gpu is not installed' }, …] }
 */
import * as tf from '@tensorflow/tfjs';
import { tryTfjsNode, tryTfjsNodeGpu } from './native';
import type { Probe, ProbeResult } from './probe';
import { tryWasm } from './wasm';
import { tryWebGPU } from './webgpu';
import { registerCpuFixes } from './cpu-kernels';

export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendChoice {
  name: BackendName;
  /** The name tfjs knows it by (`tf.getBackend()`). */
  tfjsName: string;
  /** Human-readable: what runs the maths, e.g. "XNNPACK, SIMD, 2 threads". */
  detail: string;
  /** Every better backend that was tried and why it was passed over, best first. */
  skipped: { name: string; reason: string }[];
  /** The GPU adapter's name, when the backend runs on one. */
  device?: string;
}

export interface SelectOptions {
  /** Replaces the real probes (tests); unlisted names use the real one. */
  probes?: Partial<Record<BackendName, Probe>>;
  /** Backends the automatic choice must not try, each with the reason it reports. */
  exclude?: Partial<Record<BackendName, string>>;
}

/**
 * tfjs's CPU backend greets its first tensor in Node with a five-line banner ("Hi, looks like you
 * are running TensorFlow.js in Node.js … install our node backend"). NetCanvas tries that backend
 * first and the backend report says why it was skipped, in one line: the banner is off.
 */
function quietCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu != null && cpu.firstUse === true) cpu.firstUse = false;
}

async function tryCpu(): Promise<ProbeResult> {
  if (!(await tf.setBackend('cpu'))) return { ok: false, reason: 'tfjs cpu backend failed to initialise' };
  registerCpuFixes();
  return { ok: true, tfjsName: 'cpu', detail: 'plain JavaScript (slowest)' };
}

const PROBES: Record<BackendName, Probe> = {
  'tensorflow-gpu': tryTfjsNodeGpu,
  tensorflow: tryTfjsNode,
  webgpu: tryWebGPU,
  wasm: tryWasm,
  cpu: tryCpu,
};

function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/** A probe that throws is a skip with its message, never a failed selection. */
async function run(probe: Probe, forced: boolean): Promise<ProbeResult> {
  try {
    return await probe({ forced });
  } catch (e) {
    return { ok: false, reason: `failed: ${(e as Error).message}` };
  }
}

const device = (result: ProbeResult & { ok: true }) => (result.device != null ? { device: result.device } : {});

export async function selectBackend(preferred?: string, options: SelectOptions = {}): Promise<BackendChoice> {
  quietCpuBanner();
  const probeFor = (name: BackendName) => options.probes?.[name] ?? PROBES[name];
  const valid = BACKEND_NAMES.join(', ');

  if (preferred != null) {
    if (!isBackendName(preferred)) {
      throw new Error(`Unknown backend '${preferred}'. Valid names: ${valid}.`);
    }
    const result = await run(probeFor(preferred), true);
    if (!result.ok) {
      throw new Error(`Backend '${preferred}' is unavailable: ${result.reason}. Valid names: ${valid}.`);
    }
    return {
      name: preferred,
      tfjsName: result.tfjsName,
      detail: `${result.detail} (as asked, not chosen automatically)`,
      skipped: [],
      ...device(result),
    };
  }

  const skipped: BackendChoice['skipped'] = [];
  for (const name of BACKEND_NAMES) {
    const excluded = options.exclude?.[name];
    if (excluded != null) {
      skipped.push({ name, reason: excluded });
      continue;
    }
    const result = await run(probeFor(name), false);
    if (result.ok) return { name, tfjsName: result.tfjsName, detail: result.detail, skipped, ...device(result) };
    skipped.push({ name, reason: result.reason });
  }
  // Only reachable if even the pure-JS backend failed, which means tfjs itself is broken.
  throw new Error(`No TensorFlow.js backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/** One line per backend for logs and the CLI: the chosen one, then why better ones were skipped. */
export function describeChoice(choice: BackendChoice): string {
  const lines = [`backend: ${choice.name} — ${choice.detail}`];
  for (const s of choice.skipped) lines.push(`  skipped ${s.name}: ${s.reason}`);
  return lines.join('\n');
}
