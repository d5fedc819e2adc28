/**
 * `npm run bench:agreement`: does training on wasm (NetCanvas's kernels) reach what PyTorch reaches?
 * For LeNet-5 and the residual CNN (templates/lenet5.json, templates/resnet-small.json), five seeds
 * each trained for one epoch by the app's trainer on wasm and by the graph's PyTorch export (the
 * same graph, data, optimizer, schedule and batch size: `netcanvas train --runner pytorch`), then
 * the mean and spread of test accuracy side by side. They agree when the means differ by at most
 * two spreads (the larger sample standard deviation).
 *
 *   npm run bench:agreement                                   # Fashion-MNIST, 6,000 training images
 *   npm run bench:agreement -- --limit 60000 --seeds 1,2,3,4,5 --models lenet5
 *   npm run bench:agreement -- --data DIR                      # any dataset folder NetCanvas reads
 */
import { readFileSync } from 'node:fs';
import { parseGraph } from '../../engine/graph/load';
import type { GraphDoc } from '../../engine/graph/types';
import { runPytorchTraining } from '../../engine/export/pytorch/runner';
import type { TrainerEvent } from '../../engine/train/protocol';
import { train } from '../../engine/train/train';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
const data = arg('data') ?? '/usr/share/datasets/fashion-mnist';
const limit = Number(arg('limit') ?? 6000);
const seeds = (arg('seeds') ?? '1,2,3,4,5').split(',').map(Number);
const models = (arg('models') ?? 'lenet5,resnet-small').split(',');

function template(name: string): GraphDoc {
  const parsed = parseGraph(readFileSync(new URL(`../../templates/${name}.json`, import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.doc;
}

/** Test accuracy of one epoch; both engines get the same request. */
async function accuracy(engine: 'wasm' | 'pytorch', doc: GraphDoc, seed: number): Promise<number> {
  const dataset = { source: data, limit };
  const config = { epochs: 1, seed };
  let done: Extract<TrainerEvent, { type: 'done' }> | null = null;
  let error = '';
  const onEvent = (e: TrainerEvent) => {
    if (e.type === 'done') done = e;
    if (e.type === 'error') error = e.message;
  };
  if (engine === 'wasm') await train({ type: 'start', runId: `wasm-${seed}`, graph: doc, dataset, config, backend: 'wasm' }, { onEvent });
  else await runPytorchTraining(doc, { runId: `torch-${seed}`, dataset, config, device: 'cpu' }, onEvent);
  const acc = (done as Extract<TrainerEvent, { type: 'done' }> | null)?.metrics.testAccuracy;
  if (acc == null) throw new Error(`${engine}, seed ${seed}: ${error || 'no test accuracy'}`);
  return acc;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const spread = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

console.log(`${data}, first ${limit} training images, one epoch, seeds ${seeds.join(', ')}; each graph's own optimizer and batch size`);
for (const name of models) {
  const doc = template(name);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (const seed of seeds) {
    ours.push(await accuracy('wasm', doc, seed));
    theirs.push(await accuracy('pytorch', doc, seed));
    console.log(`  ${name} seed ${seed}: wasm ${pct(ours.at(-1)!)}  PyTorch ${pct(theirs.at(-1)!)}`);
  }
  const gap = Math.abs(mean(ours) - mean(theirs));
  const bound = 2 * Math.max(spread(ours), spread(theirs));
  console.log(
    `${name}: wasm ${pct(mean(ours))} ± ${pct(spread(ours))}, PyTorch ${pct(mean(theirs))} ± ${pct(spread(theirs))}; ` +
      `|Δ mean| ${pct(gap)} ${gap <= bound ? '≤' : '>'} two spreads ${pct(bound)}: ${gap <= bound ? 'agree' : 'DISAGREE'}`,
  );
}
