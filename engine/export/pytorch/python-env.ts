/** Finding a Python that can import torch, for running the PyTorch export (CLI runner, tests). */
import { spawnSync } from 'node:child_process';

export type TorchPython = { readonly ok: true; readonly python: string; readonly torchVersion: string } | { readonly ok: false; readonly message: string };

/** Tried in order when NETCANVAS_PYTHON is not set: Debian's python3-torch lives in /usr/bin/python3. */
export const DEFAULT_PYTHONS = ['/usr/bin/python3', 'python3', 'python'];

const cache = new Map<string, TorchPython>();

export function findTorchPython(candidates: readonly string[] = process.env.NETCANVAS_PYTHON ? [process.env.NETCANVAS_PYTHON] : DEFAULT_PYTHONS): TorchPython {
  const key = candidates.join('\0');
  const known = cache.get(key);
  if (known) return known;
  const tried: string[] = [];
  let sawPython = false;
  let found: TorchPython | undefined;
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
    if (r.error) {
      tried.push(`${python}: not found`);
      continue;
    }
    sawPython = true;
    if (r.status === 0) {
      found = { ok: true, python, torchVersion: r.stdout.trim() };
      break;
    }
    tried.push(`${python}: cannot import torch`);
  }
  found ??= {
    ok: false,
    message: sawPython
      ? `found Python but not PyTorch (${tried.join('; ')}). Install it (e.g. "apt-get install python3-torch" or "pip install torch"), or set NETCANVAS_PYTHON to a Python that has it`
      : `no Python found (${tried.join('; ')}). Install Python 3 with PyTorch, or set NETCANVAS_PYTHON to one`,
  };
  cache.set(key, found);
  return found;
}
