/**
 * Exports carry the trained weights of a run: a real run (tfjs, cpu) recorded in the run history,
 * exported through the host's export service with its runId, then the exported PyTorch model is
 * run on the same test digits by Debian's torch (train.py --epochs 0: load weights.json, evaluate)
 * and scores the run's accuracy. Without a run, the export says it carries initial weights and
 * scores about chance. The exported train.py finds the graph's data with no --data and no
 * environment variable.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExportService, engineExporter } from '../../electron/services/export';
import { createFileService } from '../../electron/services/files';
import { createRunHistory } from '../../electron/services/runs';
import { createPathScope } from '../../electron/services/scope';
import { parseGraph } from '../../engine/graph/load';
import { findTorchPython } from '../../engine/export/pytorch/python-env';
import type { TrainerEvent } from '../../engine/train/protocol';
import { train } from '../../engine/train/train';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'netcanvas-export-trained-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const parsed = parseGraph(readFileSync('templates/mlp.json', 'utf8'));
if (!parsed.ok) throw new Error(parsed.error);
const graph = { ...parsed.doc, training: { ...parsed.doc.training, epochs: 2 } };
const dataset = { source: 'embedded:mnist', limit: 1000, testLimit: 500 };

const found = findTorchPython();
const python = found.ok ? found.python : null;

/** The exported script's final event: `done` with the test accuracy of the weights it started from. */
async function exportedAccuracy(dir: string, args: string[]): Promise<number> {
  const env = { ...process.env };
  delete env['NETCANVAS_DATASETS'];
  const { stdout } = await run(python!, [join(dir, 'train.py'), ...args], { cwd: work, env, timeout: 120_000 });
  const events = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as TrainerEvent);
  const done = events.find((e) => e.type === 'done');
  if (done?.type !== 'done') throw new Error(`no done event: ${stdout.slice(-500)}`);
  return done.metrics.testAccuracy ?? NaN;
}

describe('exporting a trained run', { timeout: 600_000 }, () => {
  const history = createRunHistory(join(work, 'data'));
  // The user chose the scratch folder (as through a dialog): exports may be written there.
  const scope = createPathScope({ homeDir: work, builtIn: [{ path: work, kind: 'folder' }] });
  const exporter = createExportService(engineExporter, createFileService({ homeDir: work, scope }), scope, history);
  let runId = '';
  let accuracy = 0;

  beforeAll(async () => {
    const record = history.begin({ runId: 'run-export1', graph, dataset, runner: 'tfjs' });
    runId = record.runId;
    const end = await train(
      { type: 'start', runId, graph, dataset, backend: 'cpu', checkpointPath: history.weightsPathOf(runId) },
      { onEvent: (e: TrainerEvent) => history.record(e) },
    );
    if (end.type !== 'done') throw new Error(`the run failed: ${JSON.stringify(end)}`);
    await history.flush();
    accuracy = end.metrics.testAccuracy ?? 0;
    expect(accuracy).toBeGreaterThan(0.6);
  }, 600_000);

  it('writes the run’s trained weights, says which run in the README and the answer, and scores the run’s accuracy in PyTorch', async (ctx) => {
    const out = join(work, 'trained');
    const { weights } = await exporter.write(graph as unknown as Record<string, unknown>, 'pytorch', out, runId);
    expect(weights).toMatchObject({ kind: 'trained', runId, runName: 'MLP' });
    expect(weights.kind === 'trained' && weights.testAccuracy).toBeCloseTo(accuracy, 6);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toContain(`trained weights of the run "MLP" (${(accuracy * 100).toFixed(2)}% test accuracy`);
    if (!python) return ctx.skip();
    const exported = await exportedAccuracy(out, ['--epochs', '0', '--test-limit', '500']);
    console.log(`run ${(accuracy * 100).toFixed(2)}%, its PyTorch export ${(exported * 100).toFixed(2)}% on the same 500 test digits`);
    expect(Math.abs(exported - accuracy) * 100).toBeLessThan(0.5);
  });

  it('without a run, or when the graph no longer fits the run’s weights, exports initial weights and says so', async (ctx) => {
    const out = join(work, 'initial');
    const plain = await exporter.write(graph as unknown as Record<string, unknown>, 'pytorch', out);
    expect(plain.weights).toEqual({ kind: 'initial' });
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('weights.json holds initial weights (seeded He-normal, untrained)');

    const wider = {
      ...graph,
      nodes: graph.nodes.map((n) => (n.type === 'dense' && n.params['units'] !== 10 ? { ...n, params: { ...n.params, units: 17 } } : n)),
    };
    const changed = await exporter.code(wider as unknown as Record<string, unknown>, 'pytorch', runId);
    expect(changed.weights.kind).toBe('initial');
    expect(changed.weights.kind === 'initial' && changed.weights.reason).toMatch(/the graph changed since "MLP" was trained/);

    if (!python) return ctx.skip();
    const chance = await exportedAccuracy(out, ['--epochs', '0', '--test-limit', '500']);
    console.log(`the export without a run (initial weights): ${(chance * 100).toFixed(2)}%`);
    expect(chance).toBeLessThan(0.3);
  });

  it('train.py runs without arguments on the data the graph names, and with --data embedded:mnist, with no environment variable', async (ctx) => {
    if (!python) return ctx.skip();
    const out = join(work, 'trained');
    // No --data: the graph's embedded:mnist, found where this installation keeps it.
    expect(await exportedAccuracy(out, ['--epochs', '0', '--test-limit', '200'])).toBeGreaterThan(0.6);
    expect(
      await exportedAccuracy(out, ['--data', 'embedded:mnist', '--epochs', '1', '--limit', '300', '--test-limit', '200']),
    ).toBeGreaterThan(0.5);
  });
});
