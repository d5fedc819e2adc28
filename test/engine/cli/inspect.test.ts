/**
 * The inspection commands as a user runs them: `netcanvas activations` (PNGs per node, LeNet-5's
 * feature maps timed on the CPU), `evaluate --mc-dropout`, `evaluate --ensemble`, and `train
 * --init-from --freeze-through` (matching, mismatched and missing nodes named).
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import pngjs from 'pngjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../engine/cli/main';
import { compileGraph } from '../../../engine/compile';
import { loadDataset } from '../../../engine/data/load';
import type { GraphDoc } from '../../../engine/graph/types';
import { featureMaps } from '../../../engine/inspect/featureMaps';
import { readCheckpoint, saveCheckpoint } from '../../../engine/train/checkpoint';
import { initFromCheckpoint } from '../../../engine/train/transfer';
import { tinyCnn } from '../train/fixtures';

const templates = join(import.meta.dirname, '../../../templates');
const dir = mkdtempSync(join(tmpdir(), 'netcanvas-inspect-'));
const lenet = JSON.parse(readFileSync(join(templates, 'lenet5.json'), 'utf8')) as GraphDoc;
let stdout = '';
let stderr = '';
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

/** A digit from the embedded MNIST as a PNG, and graphs saved with (untrained, seeded) checkpoints. */
const digit = join(dir, 'digit.png');
beforeAll(async () => {
  const ds = await loadDataset('embedded:mnist', { limit: 1 });
  const png = new pngjs.PNG({ width: 28, height: 28 });
  for (let i = 0; i < 784; i++) png.data.set([255 * ds.train.x[i]!, 255 * ds.train.x[i]!, 255 * ds.train.x[i]!, 255], 4 * i);
  writeFileSync(digit, pngjs.PNG.sync.write(png));
  await tf.setBackend('cpu');
});

async function saved(name: string, doc: GraphDoc, seed: number): Promise<string> {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(doc));
  const compiled = compileGraph(doc, tf, { seed });
  await saveCheckpoint(compiled, join(dir, `${name}.weights.json`), { graphName: doc.name });
  compiled.model.dispose();
  return file;
}

describe('netcanvas activations', () => {
  it('writes one PNG per node of LeNet-5 (initial weights before training), one tile per channel', async () => {
    const file = join(dir, 'lenet.json');
    copyFileSync(join(templates, 'lenet5.json'), file);
    const out = join(dir, 'maps');
    expect(await main(['activations', file, '--input', digit, '-o', out, '--json']), stderr).toBe(0);
    const report = JSON.parse(stdout) as { weights: string; nodes: { nodeId: string; shape: number[]; png: string }[] };
    expect(report.weights).toMatch(/initial weights/);
    expect(report.nodes.map((n) => n.nodeId)).toEqual(lenet.nodes.map((n) => n.id));
    expect(readdirSync(out)).toHaveLength(lenet.nodes.length);
    // C1: 6 maps of 28×28 → a 3×2 grid of 4× tiles with 1-pixel gaps.
    const c1 = pngjs.PNG.sync.read(readFileSync(report.nodes.find((n) => n.nodeId === 'c1')!.png));
    expect([c1.width, c1.height]).toEqual([3 * (28 * 4 + 1) + 1, 2 * (28 * 4 + 1) + 1]);
  });

  it('one node, from a named checkpoint; a missing node is named with the closest', async () => {
    const file = await saved('lenet-ckpt', lenet, 3);
    const out = join(dir, 'one');
    expect(
      await main(['activations', file, '--input', digit, '--node', 'c3', '--checkpoint', join(dir, 'lenet-ckpt.weights.json'), '-o', out]),
    ).toBe(0);
    expect(readdirSync(out)).toEqual(['04-c3.png']);
    expect(stdout).toMatch(/c3\s+conv2d\s+10×10×16\s+16 maps of 10×10/);
    expect(await main(['activations', file, '--input', digit, '--node', 'c33', '-o', out])).toBe(2);
    expect(stderr).toMatch(/there is no node "c33" .*did you mean "c3"\?/);
    expect(await main(['activations', file, '--input', digit])).toBe(2);
    expect(stderr).toMatch(/missing -o DIR/);
  });

  it('LeNet-5’s feature maps, every node for one sample, on the cpu backend: well under 300 ms once built', async () => {
    const compiled = compileGraph(lenet, tf);
    const sample = new Float32Array(784).fill(0.3);
    await featureMaps(tf, compiled, sample); // builds the sub-model
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await featureMaps(tf, compiled, sample);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(`LeNet-5 feature maps (14 nodes, cpu backend): median ${times[2]!.toFixed(1)} ms of 5`);
    // 300 ms is the target; the margin is for a machine shared by several test runs.
    expect(times[2]).toBeLessThan(300);
    compiled.model.dispose();
  });
});

describe('netcanvas evaluate --mc-dropout and --ensemble', () => {
  it('--mc-dropout: the weight-scaling rule and the k-pass averages, as JSON', async () => {
    const file = await saved('drop', { ...tinyCnn(), dataset: { source: 'embedded:mnist' } }, 1);
    expect(await main(['evaluate', file, '--limit', '100', '--mc-dropout', '1,5,2', '--json']), stderr).toBe(0);
    const r = JSON.parse(stdout) as { weightScaling: { accuracy: number }; mcDropout: { k: number }[]; dropout: unknown[] };
    expect(r.mcDropout.map((p) => p.k)).toEqual([1, 2, 5]);
    expect(r.dropout).toEqual([{ nodeId: 'drop', rate: 0.25 }]);
    expect(await main(['evaluate', file, '--mc-dropout', '0,2'])).toBe(2);
    expect(stderr).toMatch(/--mc-dropout takes pass counts from 1 to 1000 .* got "0"/);
  });

  it('--ensemble: each member, their mean error and the average of probabilities; one net twice is that net', async () => {
    const doc = { ...tinyCnn(), dataset: { source: 'embedded:mnist' } };
    const a = await saved('a', doc, 1);
    const b = await saved('b', doc, 2);
    const twin = join(dir, 'a2.json');
    copyFileSync(a, twin);
    copyFileSync(join(dir, 'a.weights.json'), join(dir, 'a2.weights.json'));
    expect(await main(['evaluate', a, twin, '--ensemble', '--limit', '100', '--json']), stderr).toBe(0);
    const same = JSON.parse(stdout) as { members: { error: number }[]; ensemble: { error: number }; meanMemberError: number };
    expect(same.ensemble.error).toBe(same.members[0]!.error);
    expect(same.meanMemberError).toBeCloseTo(same.members[0]!.error, 12);
    stdout = '';
    expect(await main(['evaluate', a, b, twin, '--ensemble', '--limit', '100'])).toBe(0);
    expect(stdout).toMatch(/mean of the members/);
    expect(stdout).toMatch(/ensemble \(average of 3\)/);
    const five = await saved('five', { ...doc, nodes: doc.nodes.map((n) => (n.id === 'out' ? { ...n, params: { units: 5 } } : n)) }, 1);
    expect(await main(['evaluate', a, five, '--ensemble'])).toBe(2);
    expect(stderr).toMatch(
      /five.json takes 28×28×1 and gives 5 classes, but .*a.json takes 28×28×1 and gives 10: an ensemble's nets must share input and classes/,
    );
  });
});

describe('transfer: --init-from and --freeze-through', () => {
  it('loads nodes whose ids and shapes match, and names the others with the reason', async () => {
    await saved('source', tinyCnn(), 7);
    const checkpoint = await readCheckpoint(join(dir, 'source.weights.json'));
    // c1 matches; bn is gone; out now has 5 classes; c2 is new.
    const target: GraphDoc = {
      ...tinyCnn(),
      nodes: [
        ...tinyCnn()
          .nodes.filter((n) => n.id !== 'bn')
          .map((n) => (n.id === 'out' ? { ...n, params: { units: 5 } } : n)),
      ],
      edges: tinyCnn()
        .edges.filter((e) => e.source !== 'bn' && e.target !== 'bn')
        .concat([{ source: 'c1', target: 'r1' }]),
    };
    const compiled = compileGraph(target, tf, { seed: 1 });
    const report = initFromCheckpoint(tf, compiled, checkpoint, 'source.weights.json');
    expect(report.loaded).toEqual(['c1']);
    expect(report.skipped).toEqual([{ nodeId: 'out', reason: 'its kernel is 144×10 in the checkpoint but 144×5 here' }]);
    expect(report.unused).toEqual(['bn']);
    const c1 = compiled.model.getLayer('c1').getWeights()[0]!;
    expect(Buffer.from((await c1.data()).buffer).toString('base64')).toBe(checkpoint.layers.c1![0]!.data);
    compiled.model.dispose();
    // Nothing fits: an error, not a silent start from scratch.
    const other = compileGraph(JSON.parse(readFileSync(join(templates, 'mlp.json'), 'utf8')) as GraphDoc, tf);
    expect(() => initFromCheckpoint(tf, other, checkpoint, 'source.weights.json')).toThrow(
      /nothing in source.weights.json fits this graph/,
    );
    other.model.dispose();
  });

  it('netcanvas train --init-from CKPT --freeze-through NODE: says what loaded, keeps the frozen prefix', async () => {
    const file = await saved('ft', { ...tinyCnn({ epochs: 1 }), dataset: { source: 'embedded:mnist' } }, 9);
    const from = join(dir, 'ft-source.weights.json');
    copyFileSync(join(dir, 'ft.weights.json'), from);
    const after = join(dir, 'ft-after.weights.json');
    const code = await main(['train', file, '--init-from', from, '--freeze-through', 'bn', '--limit', '96', '--checkpoint', after]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/frozen: c1, bn/);
    expect(stdout).toMatch(/started from .*ft-source.weights.json: loaded c1, bn, out/);
    const [before, trained] = [await readCheckpoint(from), await readCheckpoint(after)];
    expect(trained.layers.c1).toEqual(before.layers.c1);
    expect(trained.layers.bn).toEqual(before.layers.bn);
    expect(trained.layers.out).not.toEqual(before.layers.out);
    expect(await main(['train', file, '--init-from', join(dir, 'nope.weights.json')])).toBe(2);
    expect(stderr).toMatch(/--init-from: there is no checkpoint/);
    expect(await main(['train', file, '--freeze-through', 'c9'])).toBe(2);
    expect(stderr).toMatch(/--freeze-through: there is no node "c9"/);
  });
});
