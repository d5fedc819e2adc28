/**
 * Graph walks are linear: a 10,000-node chain and a 64-pair add ladder check, export, compile and
 * train one step (the chain overflowed the stack in liveSteps and in TensorFlow.js's model
 * building; the ladder took exponential time in fedByDataOnly). Sizes only here; the timings are
 * `npm run bench:walks`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkGraph } from '../../engine/check/checkGraph';
import { compileGraph } from '../../engine/compile/compile';
import { EXPORT_TARGETS, exportGraph } from '../../engine/export';
import { startTrainerProcess } from '../../engine/train/processClient';
import { addLadder, deepChain, tinyCsv } from '../helpers/deepGraphs';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-walks-'));
writeFileSync(join(dir, 'data.csv'), tinyCsv(8));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ['a 10,000-node chain', deepChain(10_000)],
  ['a 64-pair add ladder', addLadder(64)],
])('%s', (_name, doc) => {
  it('checks', () => {
    const r = checkGraph(doc);
    expect(r.diagnostics).toEqual([]);
    expect(r.order).toHaveLength(doc.nodes.length);
  });

  it('exports to every target', () => {
    for (const target of EXPORT_TARGETS) expect(exportGraph(doc, target).files.length, target).toBeGreaterThan(0);
  });

  const file = join(dir, `${doc.nodes.length}.json`);
  writeFileSync(file, JSON.stringify(doc));

  it('trains one step in the trainer process, and evaluates on the command line', async () => {
    const run = startTrainerProcess(
      {
        type: 'start',
        runId: 'walk',
        graph: doc,
        dataset: { source: join(dir, 'data.csv') },
        backend: 'cpu',
        checkpointPath: file.replace(/\.json$/, '.weights.json'),
      },
      () => {},
    );
    const last = await run.done;
    expect(last.type === 'error' ? last.message : last.type).toBe('done');
    expect(last.type === 'done' && last.metrics.epochsCompleted).toBe(1);
    // `evaluate` builds the model in the CLI's own process, which takes the trainer's stack.
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(
        process.execPath,
        ['bin/netcanvas.mjs', 'evaluate', file, '--data', join(dir, 'data.csv'), '--backend', 'cpu', '--json'],
        (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr }),
      ),
    );
    expect(out.stderr).not.toMatch(/error|exceeded/i);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).count).toBe(8);
  }, 240_000);
});

describe('compiling in this process', () => {
  it('a 64-pair add ladder compiles at once (fedByDataOnly is memoised)', () => {
    const compiled = compileGraph(addLadder(64), tf);
    expect(compiled.model.layers.length).toBe(addLadder(64).nodes.length);
    compiled.model.dispose();
  });
});
