/**
 * The templates trained as a student trains them, on the device machine: each graph's own
 * training settings and dataset (the embedded MNIST), and the backend chosen automatically, as
 * `netcanvas train templates/X.json` does (in-process here: the CLI forks the same `train()` through
 * tsx, which the device machine lacks). Prints per template the backend picked, samples/s per
 * epoch, test accuracy and wall time, then the same runs forced onto the CPU (wasm) with a sample
 * limit, to show what the GPU saves on that machine.
 *
 * Run from the repository's root (the templates are read from ./templates):
 *   node .device/templates.mjs [--out templates.json] [--only lenet5,resnet-small] [--cpu-limit N] [--no-cpu]
 *   npx tsx bench/gpu/templates.ts --only lenet5 --no-cpu      (rehearsal here: picks wasm, no GPU)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseGraph } from '../../engine/graph/load';
import { train, type StartRequest } from '../../engine/train/train';
import type { TrainerEvent } from '../../engine/train/protocol';
import { arg } from './args';

const TEMPLATES = arg('--only')?.split(',') ?? ['lenet5', 'resnet-small', 'plain-cnn'];
/** Training samples for the CPU comparison: the residual template runs at ~50 samples/s on 2 cores. */
const cpuLimit = Number(arg('--cpu-limit') ?? 2000);

async function run(name: string, overrides: { backend?: string; limit?: number; epochs?: number }) {
  const parsed = parseGraph(readFileSync(path.resolve('templates', `${name}.json`), 'utf8'));
  if (!parsed.ok) throw new Error(`${name}: ${parsed.error}`);
  const graph = parsed.doc;
  const source = (graph.dataset as { source?: string } | undefined)?.source ?? 'embedded:mnist';
  let started: Extract<TrainerEvent, { type: 'started' }> | null = null;
  const epochs: Extract<TrainerEvent, { type: 'epoch' }>[] = [];
  const t0 = performance.now();
  const request: StartRequest = {
    type: 'start',
    runId: `templates-${name}`,
    graph,
    dataset: { source, ...(overrides.limit ? { limit: overrides.limit } : {}) },
    config: overrides.epochs ? { epochs: overrides.epochs } : {},
    ...(overrides.backend ? { backend: overrides.backend } : {}),
  };
  const last = await train(request, {
    onEvent: (e) => {
      if (e.type === 'started') {
        started = e;
        console.log(
          `${name}: training on ${e.backend.name} (${e.backend.device ?? e.backend.detail}), ${e.dataset.trainCount} samples${e.backend.skipped.map((k) => `; skipped ${k.name}: ${k.reason}`).join('')}`,
        );
      }
      if (e.type === 'epoch') epochs.push(e);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const s = started as Extract<TrainerEvent, { type: 'started' }> | null;
  const row = {
    template: name,
    backend: s ? `${s.backend.name} (${s.backend.device ?? s.backend.detail})` : '?',
    skipped: s?.backend.skipped.map((k) => `${k.name}: ${k.reason}`) ?? [],
    trainSamples: s?.dataset.trainCount ?? null,
    samplesPerSecondByEpoch: epochs.map((e) => Math.round(e.samplesPerSecond)),
    validationAccuracyByEpoch: epochs.map((e) => (e.validationAccuracy == null ? null : +e.validationAccuracy.toFixed(4))),
    ...(last.type === 'done'
      ? { testAccuracy: last.metrics.testAccuracy, testLoss: last.metrics.testLoss }
      : { error: `${last.kind}: ${last.message}` }),
    seconds: +seconds.toFixed(1),
  };
  console.log(JSON.stringify(row));
  return row;
}

async function main(): Promise<void> {
  const rows: unknown[] = [];
  for (const name of TEMPLATES) rows.push(await run(name, {}));
  if (!process.argv.includes('--no-cpu')) {
    // One epoch on a slice, so the CPU's figure takes seconds, not the minutes a full run would.
    for (const name of TEMPLATES) rows.push(await run(name, { backend: 'wasm', limit: cpuLimit, epochs: 1 }));
  }
  const out = arg('--out');
  if (out) writeFileSync(out, JSON.stringify(rows, null, 2));
}

main().then(
  () => process.exit(),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
