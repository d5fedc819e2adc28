/**
 * `npm run compare:templates`: the templates whose lesson is a comparison, trained as a student
 * trains them with the app's defaults (the template's own settings, its dataset with the Train
 * button's quick-run sizes: 2,000 training and 400 test samples, the backend chosen automatically),
 * and the lesson's order asserted on test accuracy for every seed:
 *
 *   residual beats plain          resnet-small.json   > plain-cnn.json
 *   ReLU beats sigmoid            deep-relu.json      > deep-sigmoid.json
 *   batch norm beats none         deep-cnn-bn.json    > deep-cnn.json
 *
 * The trainer uses the threads the app gives it (one core fewer than the machine has, for the UI).
 * Seeded (seeds 42, 1 and 2 unless --seeds is given), so a run repeats; takes minutes on a laptop
 * CPU, so it lives outside `npm test`. Prints one line per template and seed, then one per
 * comparison; exits 1 when an order comes out backwards for any seed.
 *   npm run compare:templates [-- --only resnet-small,plain-cnn] [--seeds 42,1,2] [--backend wasm]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { datasetSourceOf } from '../engine/check/dataset';
import { QUICK_RUN_LIMIT, quickTestLimit } from '../engine/runs/quick-run';
import { parseGraph } from '../engine/graph/load';
import { envBesideUi, WASM_THREADS_ENV } from '../engine/train/backends/threads';
import { train } from '../engine/train/train';

// As the app's hosts start their trainer beside the window (set before the wasm backend loads).
process.env[WASM_THREADS_ENV] = envBesideUi()[WASM_THREADS_ENV];

const PAIRS: readonly { lesson: string; better: string; worse: string }[] = [
  { lesson: 'residual beats plain', better: 'resnet-small', worse: 'plain-cnn' },
  { lesson: 'ReLU beats sigmoid', better: 'deep-relu', worse: 'deep-sigmoid' },
  { lesson: 'batch norm beats none', better: 'deep-cnn-bn', worse: 'deep-cnn' },
];

interface Result {
  /** Test accuracy; 0 when the run ended in an error (a diverged run teaches nothing either). */
  readonly accuracy: number;
  readonly seconds: number;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

async function trainTemplate(id: string, seed: number, backend: string | undefined): Promise<Result> {
  const parsed = parseGraph(readFileSync(`templates/${id}.json`, 'utf8'));
  if (!parsed.ok) throw new Error(`templates/${id}.json: ${parsed.error}`);
  const graph = parsed.doc;
  const started = Date.now();
  const curve: string[] = [];
  let used = '?';
  const end = await train(
    {
      type: 'start',
      runId: `compare-${id}`,
      graph,
      dataset: { source: datasetSourceOf(graph), limit: QUICK_RUN_LIMIT, testLimit: quickTestLimit(QUICK_RUN_LIMIT) },
      config: { seed },
      ...(backend ? { backend } : {}),
    },
    {
      onEvent: (e) => {
        if (e.type === 'started') used = e.backend.name;
        if (e.type === 'epoch') curve.push(`${e.trainLoss.toFixed(2)}/${pct(e.validationAccuracy ?? 0)}`);
      },
    },
  );
  const seconds = (Date.now() - started) / 1000;
  const what = `${id.padEnd(13)} seed ${String(seed).padEnd(3)}`;
  if (end.type === 'error') {
    console.log(`${what} ended in an error after ${seconds.toFixed(0)} s: ${end.message}`);
    return { accuracy: 0, seconds };
  }
  const accuracy = end.metrics.testAccuracy ?? 0;
  console.log(
    `${what} test accuracy ${pct(accuracy).padStart(7)}  (train loss/validation accuracy by epoch: ${curve.join(', ')})  ${seconds.toFixed(0)} s on ${used}`,
  );
  return { accuracy, seconds };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, seeds: { type: 'string' }, backend: { type: 'string' } } });
  const only = values.only ? new Set(values.only.split(',')) : null;
  const seeds = (values.seeds ?? '42,1,2').split(',').map(Number);
  const pairs = PAIRS.filter((p) => !only || only.has(p.better) || only.has(p.worse));
  let wrong = 0;
  for (const p of pairs) {
    const rows: { seed: number; better: Result; worse: Result }[] = [];
    for (const seed of seeds) {
      const worse = await trainTemplate(p.worse, seed, values.backend);
      const better = await trainTemplate(p.better, seed, values.backend);
      rows.push({ seed, better, worse });
    }
    const backwards = rows.filter((r) => !(r.better.accuracy > r.worse.accuracy));
    wrong += backwards.length;
    const mean = (pick: (r: (typeof rows)[number]) => Result) => rows.reduce((s, r) => s + pick(r).accuracy, 0) / rows.length;
    console.log(
      `${backwards.length === 0 ? 'ok   ' : 'WRONG'} ${p.lesson}: ${p.better} ${pct(mean((r) => r.better))} vs ${p.worse} ${pct(mean((r) => r.worse))} ` +
        `(mean of ${rows.length} seed${rows.length === 1 ? '' : 's'}; ${rows.length - backwards.length}/${rows.length} in order)`,
    );
  }
  if (wrong > 0) {
    console.error(`${wrong} comparison${wrong === 1 ? '' : 's'} came out backwards`);
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(2);
});
