/**
 * The first conv layer's filters travel with the run: as initialised in `started`, as trained in
 * `done` (the very kernel the checkpoint holds), so the app can draw what the layer learned.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readCheckpoint } from '../../../engine/train/checkpoint';
import type { TrainerEvent } from '../../../engine/train/protocol';
import { train, type StartRequest } from '../../../engine/train/train';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-filters-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const template = (name: string) => JSON.parse(readFileSync(`templates/${name}.json`, 'utf8')) as StartRequest['graph'];

async function run(graph: StartRequest['graph'], checkpointPath?: string) {
  const events: TrainerEvent[] = [];
  const last = await train(
    {
      type: 'start',
      runId: 'filters',
      graph,
      dataset: { source: 'embedded:mnist', limit: 512, testLimit: 64 },
      config: { epochs: 1, batchSize: 32 },
      ...(checkpointPath ? { checkpointPath } : {}),
    },
    { onEvent: (e) => void events.push(e) },
  );
  const started = events.find((e) => e.type === 'started') as Extract<TrainerEvent, { type: 'started' }>;
  const epochs = events.filter((e) => e.type === 'epoch') as Extract<TrainerEvent, { type: 'epoch' }>[];
  return { started, epochs, last };
}

it("sends LeNet-5's first conv filters before and after training; the trained ones are the checkpoint's kernel", async () => {
  const checkpointPath = join(dir, 'lenet5.weights.json');
  const { started, epochs, last } = await run(template('lenet5'), checkpointPath);
  expect(last.type).toBe('done');
  const done = last as Extract<TrainerEvent, { type: 'done' }>;
  expect(started.filters?.map((f) => [f.nodeId, f.shape])).toEqual([['c1', [5, 5, 1, 6]]]); // c3 reads s2, not the image
  const before = started.filters![0]!.values;
  const after = done.filters![0]!.values;
  expect(before).toHaveLength(150);
  expect(after).toHaveLength(150);
  expect(after).not.toEqual(before); // it learned
  expect(epochs.at(-1)!.filters![0]!.values).toEqual(after); // the last epoch's are the trained ones
  const saved = (await readCheckpoint(checkpointPath)).layers.c1!.find((w) => w.name === 'kernel')!;
  const kernel = Array.from(new Float32Array(Uint8Array.from(Buffer.from(saved.data, 'base64')).buffer));
  expect(saved.shape).toEqual([5, 5, 1, 6]);
  after.forEach((v, i) => expect(v).toBeCloseTo(kernel[i]!, 5));
}, 120_000);

it('sends none for a graph without a conv on the input', async () => {
  const { started, epochs, last } = await run(template('mlp'));
  expect(started).not.toHaveProperty('filters');
  expect(epochs[0]).not.toHaveProperty('filters');
  expect(last).not.toHaveProperty('filters');
}, 120_000);
