/** Finding a Python that can import torch, for running the PyTorch export (CLI runner, app hosts, tests). */
import { execFile, spawnSync } from 'node:child_process';

export type TorchPython =
  { readonly ok: true; readonly python: string; readonly torchVersion: string } | { readonly ok: false; readonly message: string };

/** Tried in order when NETCANVAS_PYTHON is not set: Debian's python3-torch lives in /usr/bin/python3. */
export const DEFAULT_PYTHONS = ['/usr/bin/python3', 'python3', 'python'];

const PROBE = ['-c', 'import torch; print(torch.__version__)'];
const PROBE_TIMEOUT_MS = 120_000;

/** One candidate's answer: `missing` (could not run), or its exit status and output. */
type Probe = { readonly missing: true } | { readonly missing: false; readonly ok: boolean; readonly stdout: string };

const cache = new Map<string, TorchPython>();
const defaultCandidates = () => (process.env.NETCANVAS_PYTHON ? [process.env.NETCANVAS_PYTHON] : DEFAULT_PYTHONS);

function probeSync(python: string): Probe {
  const r = spawnSync(python, PROBE, { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS });
  return r.error ? { missing: true } : { missing: false, ok: r.status === 0, stdout: r.stdout };
}

function probeAsync(python: string): Promise<Probe> {
  return new Promise((resolve) => {
    execFile(python, PROBE, { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS }, (err, stdout) => {
      // execFile reports a non-zero exit as an error with a numeric code; a spawn failure has a string code.
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') resolve({ missing: true });
      else resolve({ missing: false, ok: !err, stdout });
    });
  });
}

/** The verdict after probing candidates in order (stops at the first that imports torch). */
function* search(candidates: readonly string[]): Generator<string, TorchPython, Probe> {
  const tried: string[] = [];
  let sawPython = false;
  for (const python of candidates) {
    const probe = yield python;
    if (probe.missing) {
      tried.push(`${python}: not found`);
      continue;
    }
    sawPython = true;
    if (probe.ok) return { ok: true, python, torchVersion: probe.stdout.trim() };
    tried.push(`${python}: cannot import torch`);
  }
  return {
    ok: false,
    message: sawPython
      ? `found Python but not PyTorch (${tried.join('; ')}). Install it (e.g. "apt-get install python3-torch" or "pip install torch"), or set NETCANVAS_PYTHON to a Python that has it`
      : `no Python found (${tried.join('; ')}). Install Python 3 with PyTorch, or set NETCANVAS_PYTHON to one`,
  };
}

/** Blocks while probing (at most once per candidate list): for the CLI and tests. */
export function findTorchPython(candidates: readonly string[] = defaultCandidates()): TorchPython {
  const key = candidates.join('\0');
  const known = cache.get(key);
  if (known) return known;
  const steps = search(candidates);
  let step = steps.next();
  while (!step.done) step = steps.next(probeSync(step.value));
  cache.set(key, step.value);
  return step.value;
}

/** The same search without blocking: for hosts whose event loop serves a window or a socket. */
export async function findTorchPythonAsync(candidates: readonly string[] = defaultCandidates()): Promise<TorchPython> {
  const key = candidates.join('\0');
  const known = cache.get(key);
  if (known) return known;
  const steps = search(candidates);
  let step = steps.next();
  while (!step.done) step = steps.next(await probeAsync(step.value));
  cache.set(key, step.value);
  return step.value;
}
