/**
 * Fuzzing the host API (the dispatcher both hosts share) with requests the contract allows and
 * ones it does not. Invariants: every request is answered, never thrown; a refusal is one line
 * with no stack trace; nothing is written outside the folder the test chose.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { REQUESTS } from '../../electron/api/contract';
import { handleRequest } from '../../electron/services/dispatcher';
import { engineExporter } from '../../electron/services/export';
import type { EventSink } from '../../electron/services/types';
import { testServices } from '../helpers/services';
import { caseText, graphCase, runs, SEED, TEMPLATES, weird } from './mutations';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-fuzz-api-'));
const outside = mkdtempSync(join(tmpdir(), 'netcanvas-fuzz-api-outside-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});
const sink: EventSink = { send: () => {} };
// As on the desktop, with a user who says no to every path the page asks for: nothing outside the
// folder chosen below may be reached. (On the web host the page's own prompt may choose paths.)
const services = testServices(dir, {
  kind: 'desktop',
  loadExporter: engineExporter,
  shell: {
    openDialog: async () => ({ path: null }),
    saveDialog: async () => ({ path: null }),
    setTitle: () => {},
    confirmAccess: async () => false,
  },
});

/** Every file under `root`, for "nothing was written here". */
function files(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(root, p)).isFile());
}

const path = fc.oneof(
  fc.constantFrom(
    join(dir, 'chosen', 'net.json'),
    join(dir, 'chosen', 'export'),
    join(dir, 'chosen'),
    join(outside, 'evil.json'),
    `${join(dir, 'chosen')}/../../${outside.split('/').pop()}/evil.json`,
    '/etc/passwd',
    '/proc/self/environ',
    '/dev/zero',
    '~',
    '~/chosen/x.json',
    '',
    'x'.repeat(5000),
    'embedded:mnist',
    'embedded:constructor',
  ),
  fc.string({ maxLength: 12 }),
);
const names = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...(Object.keys(REQUESTS) as string[])) },
  { weight: 1, arbitrary: fc.constantFrom('file.delete', '__proto__', 'constructor', '', 'toString') },
);
/** Arguments near the contract (its fields, with paths, texts and graphs) and far from it. */
const args = fc.oneof(
  fc.record(
    {
      path,
      dir: path,
      source: path,
      id: fc.oneof(fc.constantFrom(...TEMPLATES.map((t) => t.name.replace(/\.json$/, '')), '../package', '__proto__'), fc.string()),
      text: fc.oneof(graphCase.map(caseText), fc.string()),
      graph: graphCase.map((c) => {
        try {
          return JSON.parse(caseText(c)) as unknown;
        } catch {
          return {};
        }
      }),
      target: fc.constantFrom('pytorch', 'keras', 'tfjs', 'onnx', 'caffe'),
      kind: fc.constantFrom('graph', 'file', 'folder', 'auto', 'export', 'model'),
      dataset: fc.record({ source: path, limit: weird }, { requiredKeys: [] }),
      runId: fc.string(),
      title: fc.string(),
      dirty: weird,
      defaultName: fc.string(),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
  fc.anything(),
);

describe('fuzzed API requests', () => {
  it('every request is answered in one line, and nothing lands outside the chosen folder', async () => {
    await services.scope.grant(join(dir, 'chosen'), 'folder', 'host');
    const stats = { cases: 0, answered: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(names, args, async (name, a) => {
        stats.cases++;
        // train.start would start a trainer per case; its arguments are checked all the same.
        const reply = await handleRequest(services, name, a, sink);
        expect(typeof reply.ok).toBe('boolean');
        if (reply.ok) stats.answered++;
        else {
          stats.refused++;
          expect(reply.error.length).toBeGreaterThan(0);
          expect(reply.error).not.toMatch(/\n\s+at |\.ts:\d+/);
        }
        const leaked = files(outside);
        // Cleaned up after the first report, so a shrunk counterexample is the request that wrote it.
        if (leaked.length > 0) rmSync(join(outside, leaked[0]!), { force: true });
        expect(leaked, `${name} ${JSON.stringify(a)?.slice(0, 300)}`).toEqual([]);
      }),
      { seed: SEED, numRuns: runs(300) },
    );
    services.training.dispose();
    console.log(`fuzz API: ${stats.cases} requests, ${stats.answered} answered, ${stats.refused} refused in words`);
  }, 600_000);
});
