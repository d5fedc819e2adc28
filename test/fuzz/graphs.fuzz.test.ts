/**
 * Fuzzing graph files (mutations of the templates) through the real CLI entry and the trainer.
 * Invariants: `check` exits 0, 1 or 2; exit 2 prints exactly one line; nothing prints a stack
 * trace or "internal error"; nothing hangs; `--json` is the JSON contract; a graph `check` passes
 * starts training (or is refused only for not fitting the dataset); `export -o` writes inside its
 * target only. A fixed seed and a few hundred cases here; `npm run fuzz` runs many more.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkGraph } from '../../engine/check/checkGraph';
import { main } from '../../engine/cli/main';
import { parseGraph } from '../../engine/graph/load';
import { train } from '../../engine/train/train';
import { caseText, graphCase, runs, SEED, type GraphCase } from './mutations';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-fuzz-graphs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let stdout = '';
let stderr = '';
beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
});

async function cli(args: string[], ms = 20_000): Promise<number> {
  stdout = '';
  stderr = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<number>((_, fail) => (timer = setTimeout(() => fail(new Error(`netcanvas ${args[0]} hung for ${ms} ms`)), ms)));
  try {
    return await Promise.race([main(args), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** The CLI's promises about any input. */
function expectCleanExit(code: number, what: string): void {
  expect([0, 1, 2], what).toContain(code);
  expect(stderr, what).not.toMatch(/^\s+at |internal error|TypeError|RangeError|\bundefined\b/m);
  if (code === 2) {
    expect(stdout, what).toBe('');
    expect(stderr.split('\n').filter(Boolean), what).toHaveLength(1);
    expect(stderr, what).toMatch(/^netcanvas: /);
  }
}

const report = (name: string, stats: Record<string, number>) =>
  console.log(
    `fuzz ${name}: ${Object.entries(stats)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
  );

describe('fuzzed graph files', () => {
  it('netcanvas check: exit 0/1/2, one clear line, no stack trace, the JSON contract', async () => {
    const stats = { cases: 0, ok: 0, errors: 0, unusable: 0 };
    await fc.assert(
      fc.asyncProperty(graphCase, fc.boolean(), async (c: GraphCase, json) => {
        const file = join(dir, 'case.json');
        writeFileSync(file, caseText(c));
        const code = await cli(['check', file, ...(json ? ['--json'] : [])]);
        stats.cases++;
        stats[code === 0 ? 'ok' : code === 1 ? 'errors' : 'unusable']++;
        expectCleanExit(code, JSON.stringify(c));
        if (json && code !== 2) {
          const out = JSON.parse(stdout) as Record<string, unknown>;
          expect(Object.keys(out)).toEqual(['ok', 'nodes', 'totals', 'diagnostics']);
          expect(out['ok']).toBe(code === 0);
        }
      }),
      { seed: SEED, numRuns: runs(300) },
    );
    report('check', stats);
  }, 600_000);

  it('a graph check passes starts training (or is refused only for not fitting the data)', async () => {
    const stats = { cases: 0, checked: 0, started: 0, misfit: 0 };
    await fc.assert(
      fc.asyncProperty(graphCase, async (c: GraphCase) => {
        stats.cases++;
        const parsed = parseGraph(caseText(c));
        if (!parsed.ok || !checkGraph(parsed.doc).ok) return;
        stats.checked++;
        const t0 = Date.now();
        let started = false;
        const last = await train(
          {
            type: 'start',
            runId: 'fuzz',
            graph: parsed.doc,
            dataset: { source: 'embedded:mnist', limit: 8, testLimit: 4 },
            config: { epochs: 1 },
            backend: 'wasm',
          },
          { onEvent: (e) => void (e.type === 'started' && (started = true)) },
        );
        if (last.type === 'error' && last.kind === 'dataset' && !started) stats.misfit++;
        else {
          expect(started, `${JSON.stringify(c)}: ${last.type === 'error' ? `${last.kind}: ${last.message}` : ''}`).toBe(true);
          stats.started++;
        }
        if (process.env['FUZZ_VERBOSE'])
          console.log(
            `train case ${stats.cases}: ${last.type} ${last.type === 'error' ? last.kind : ''} in ${Date.now() - t0} ms (${parsed.doc.name})`,
          );
      }),
      { seed: SEED, numRuns: runs(60) },
    );
    report('check ok => train starts', stats);
  }, 900_000);

  it('netcanvas export -o writes inside its target only, and fails in one line', async () => {
    const stats = { cases: 0, exported: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(graphCase, fc.constantFrom('pytorch', 'keras', 'tfjs', 'onnx'), async (c: GraphCase, target) => {
        const root = mkdtempSync(join(dir, 'export-'));
        const file = join(root, 'graph.json');
        writeFileSync(file, caseText(c));
        const code = await cli(['export', file, '--to', target, '-o', join(root, 'out')]);
        stats.cases++;
        expectCleanExit(code, JSON.stringify(c));
        if (code === 0) stats.exported++;
        else stats.refused++;
        // Nothing beside the graph and the target the user named.
        expect(readdirSync(root).filter((n) => n !== 'graph.json' && n !== 'out')).toEqual([]);
        rmSync(root, { recursive: true, force: true });
      }),
      { seed: SEED, numRuns: runs(60) },
    );
    report('export', stats);
  }, 600_000);
});
