import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** Runs the real CLI the way a user does (bin/netcanvas.mjs through Node). */
async function netcanvas(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/netcanvas.mjs', ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-cli-'));

describe('netcanvas check', () => {
  it('prints a table and exits 0 for a valid graph', async () => {
    const r = await netcanvas('check', 'templates/lenet5.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/c1 \(C1\)\s+conv2d\s+28×28×6\s+156\s+117,600\s+5 \(jump 1\)/);
    expect(r.stdout).toContain('Total params: 61,706');
    expect(r.stdout).toContain('No problems found.');
  });

  it('prints exactly the JSON contract with --json', async () => {
    const r = await netcanvas('check', 'templates/lenet5.json', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['ok', 'nodes', 'totals', 'diagnostics']);
    expect(json.ok).toBe(true);
    expect(json.totals).toMatchObject({ params: 61706, macs: 416520 });
    expect(json.nodes.s2).toMatchObject({
      outputShape: [14, 14, 6],
      params: 0,
      macs: 0,
      receptiveField: { size: [6, 6], jump: [2, 2], start: [0.5, 0.5] },
    });
    expect(json.nodes.flat.receptiveField).toBeNull();
  });

  it('exits 1 with the diagnostics (JSON still printed) when the graph has errors', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'netcanvas.graph',
        version: 1,
        name: 'broken',
        nodes: [
          { id: 'in', type: 'input', params: { shape: [28, 28, 1] } },
          { id: 'd', type: 'dense', params: { units: 10 } },
        ],
        edges: [{ source: 'in', target: 'd' }],
      }),
    );
    const json = await netcanvas('check', file, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).diagnostics[0]).toMatchObject({ code: 'dense-on-spatial', nodeId: 'd', severity: 'error' });
    const text = await netcanvas('check', file);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/error\[dense-on-spatial\] d: dense needs a vector/);
    expect(text.stdout).toContain('fix: Insert a flatten before it');
  });

  it.each([
    ['a missing file', ['check', join(dir, 'nope.json')], /cannot read .*nope\.json: no such file/],
    ['a file that is not a graph', ['check', 'package.json'], /package\.json: format: expected "netcanvas\.graph"/],
    ['broken JSON', ['check', 'BROKEN'], /not valid JSON: Unexpected end of JSON input/],
    ['no file', ['check'], /missing FILE/],
    ['an unknown flag', ['check', 'templates/lenet5.json', '--jsn'], /Unknown option '--jsn'/],
    ['an unknown command', ['chekc'], /unknown command "chekc"/],
  ])('exits 2 with one line on stderr for %s', async (_name, args, message) => {
    const broken = join(dir, 'broken-json.json');
    writeFileSync(broken, '{ "format": ');
    const r = await netcanvas(...args.map((a) => (a === 'BROKEN' ? broken : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });
});

describe('netcanvas help', () => {
  it("prints every command with --help, and one command's usage with COMMAND --help", async () => {
    const all = await netcanvas('--help');
    expect(all.code).toBe(0);
    for (const name of ['check', 'train', 'evaluate', 'predict', 'export', 'import']) expect(all.stdout).toContain(`netcanvas ${name} `);
    const train = await netcanvas('train', '--help');
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/^train a graph.*\nusage: netcanvas train FILE .*--runner tfjs\|pytorch/s);
    expect(train.stderr).toBe('');
  });
});
