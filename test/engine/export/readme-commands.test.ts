/**
 * The exported PyTorch README's training commands, run as a student would copy them, in a shell, in
 * the export folder, with the machine's PyTorch (Debian 12's python3-torch: torch 1.13 on Python
 * 3.11, whose torchrun needs the README's --redirects/--tee flags). Only the run's size changes:
 * `--limit 200 --epochs 1` appended (argparse keeps the last value) and 2 processes instead of 4.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDatasetsDir } from '../../../engine/data/embedded';
import { parseGraph } from '../../../engine/graph/load';
import { exportGraph } from '../../../engine/export/index';
import { README_COMMANDS } from '../../../engine/export/pytorch/readme';
import { findTorchPython, scratchDir } from './workdir';

const python = findTorchPython();
const PATH = python.ok ? `${join(python.python, '..')}:${process.env.PATH}` : process.env.PATH;
const torchrun = spawnSync('sh', ['-c', 'command -v torchrun'], { env: { ...process.env, PATH } }).status === 0;
const work = scratchDir('readme');
afterAll(() => work.remove());

describe.skipIf(!python.ok || !python.python.endsWith('python3') || !torchrun)("the PyTorch export's README commands", () => {
  const doc = (() => {
    const r = parseGraph(readFileSync(join(import.meta.dirname, '../../../templates/mlp.json'), 'utf8'));
    if (!r.ok) throw new Error(r.error);
    return r.doc;
  })();
  const files = exportGraph(doc, 'pytorch', { datasetsDir: defaultDatasetsDir() });
  for (const f of files.files) writeFileSync(join(work.path, f.name), f.text);
  const readme = files.files.find((f) => f.name === 'README.md')!.text;

  it('lists the commands this test runs', () => {
    for (const command of README_COMMANDS) expect(readme).toContain(`\n${command}\n`);
  });

  it.each(README_COMMANDS)(
    'runs: %s',
    (command) => {
      const small = `${command.replace('--nproc_per_node=4', '--nproc_per_node=2')} --limit 200 --epochs 1 --device cpu`;
      const out = execFileSync('sh', ['-c', small], {
        cwd: work.path,
        env: { ...process.env, PATH },
        timeout: 240_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { type: string; backend?: { detail: string } });
      expect(out.filter((e) => e.type === 'error')).toEqual([]);
      expect(out.map((e) => e.type).filter((t) => t !== 'batch')).toEqual(['started', 'epoch', 'done']);
      if (command.startsWith('torchrun')) expect(out[0]!.backend!.detail).toMatch(/2 processes/);
    },
    300_000,
  );
});
