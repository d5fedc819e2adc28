/**
 * `npm run bench:walks`: graph walks are linear. A 10,000-node chain and a 64-pair add ladder are
 * checked, exported to every target, compiled and trained for one step (in the trainer process,
 * on the CPU backend), and each stage's time is printed. Before the walks were made linear the
 * chain overflowed the stack (liveSteps, TensorFlow.js's model building) and the ladder's compile
 * took exponential time (3 s at 34 pairs, beyond any wait at 64). `npm test` checks sizes only
 * (test/engine/walks.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { checkGraph } from '../engine/check/checkGraph';
import { compileGraph } from '../engine/compile/compile';
import { EXPORT_TARGETS, exportGraph } from '../engine/export';
import type { GraphDoc } from '../engine/graph/types';
import { startTrainerProcess } from '../engine/train/processClient';
import { addLadder, deepChain, tinyCsv } from '../test/helpers/deepGraphs';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-bench-walks-'));
writeFileSync(join(dir, 'data.csv'), tinyCsv(8));

async function time(label: string, work: () => unknown): Promise<void> {
  const started = performance.now();
  await work();
  console.log(`  ${label.padEnd(22)} ${((performance.now() - started) / 1000).toFixed(2)} s`);
}

async function bench(name: string, doc: GraphDoc): Promise<void> {
  console.log(`${name} (${doc.nodes.length} nodes):`);
  checkGraph(doc); // warm the JIT once
  await time('check', () => {
    if (!checkGraph(doc).ok) throw new Error(`${name} does not check`);
  });
  for (const target of EXPORT_TARGETS) await time(`export ${target}`, () => exportGraph(doc, target));
  await tf.setBackend('cpu');
  await time('compile', () => compileGraph(doc, tf).model.dispose());
  await time('train one step (process)', async () => {
    const run = startTrainerProcess(
      { type: 'start', runId: 'bench', graph: doc, dataset: { source: join(dir, 'data.csv') }, backend: 'cpu' },
      () => {},
    );
    const last = await run.done;
    if (last.type !== 'done') throw new Error(last.message);
  });
}

try {
  await bench('chain', deepChain(10_000));
  await bench('add ladder, 64 pairs', addLadder(64));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
