/**
 * The CLI's reads and writes: bounded reads (devices, pipes, /proc), a graph with a byte-order
 * mark, atomic writes of `import -o` and `export -o` (a full disk keeps the old file and exits 2),
 * terminal escapes from files never reach the terminal raw.
 */
import { execFile } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../engine/cli/main';
import { initialWeights, serializeWeights } from '../../../engine/export';
import { planExport } from '../../../engine/export/plan';
import { parseGraph, serializeGraph } from '../../../engine/graph/load';
import { mountTinyDisk, TINY_DISK_SKIP } from '../../helpers/tinyDisk';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-cli-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lenet = readFileSync(resolve('templates/lenet5.json'), 'utf8');

/** The real CLI in a child process, killed after `ms`: a read that never ends shows up as a timeout. */
function netcanvas(args: string[], ms = 20_000): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((done) => {
    execFile(process.execPath, ['bin/netcanvas.mjs', ...args], { timeout: ms, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number; killed?: boolean }) | null;
      done({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr, timedOut: Boolean(e?.killed) });
    });
  });
}

let stdout = '';
let stderr = '';
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});

describe('netcanvas reads files boundedly', () => {
  it('refuses /dev/zero and a FIFO at once, in one line, exit 2', async () => {
    const fifo = join(dir, 'graph.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const file of ['/dev/zero', fifo]) {
      const r = await netcanvas(['check', file], 15_000);
      expect(r.timedOut, `${file} must not hang`).toBe(false);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`netcanvas: cannot read ${file}: it is not a regular file (a device, pipe or socket); choose a file\n`);
    }
  }, 60_000);

  it('reads a graph file that starts with a UTF-8 byte-order mark', async () => {
    const file = join(dir, 'bom.json');
    writeFileSync(file, `\uFEFF${lenet}`);
    expect(await main(['check', file])).toBe(0);
    expect(stdout).toContain('No problems found.');
  });
});

describe('netcanvas writes atomically', () => {
  it('import -o and export -o on a full disk keep the old file, leave no temporary file and exit 2', async (ctx) => {
    const disk = mountTinyDisk(96 * 1024);
    if (!disk) return ctx.skip(TINY_DISK_SKIP);
    try {
      const target = join(disk.dir, 'model.onnx');
      writeFileSync(target, 'the previous export');
      // ResNet-small's ONNX export is about 300 KB: more than this disk holds.
      const code = await main(['export', resolve('templates/resnet-small.json'), '--to', 'onnx', '-o', target]);
      expect(code).toBe(2);
      expect(stderr).toBe(`netcanvas: cannot write ${target}: the disk is full\n`);
      expect(readFileSync(target, 'utf8')).toBe('the previous export');

      const onnx = join(dir, 'resnet.onnx');
      expect(await main(['export', resolve('templates/resnet-small.json'), '--to', 'onnx', '-o', onnx])).toBe(0);
      const graph = join(disk.dir, 'imported.json');
      writeFileSync(graph, 'the previous graph');
      disk.fill();
      stderr = '';
      expect(await main(['import', onnx, '-o', graph])).toBe(2);
      expect(stderr).toMatch(/^netcanvas: cannot write .*: the disk is full\n$/);
      expect(readFileSync(graph, 'utf8')).toBe('the previous graph');
      expect(readdirSync(disk.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    } finally {
      disk.unmount();
    }
  });
});

describe('netcanvas never echoes terminal escapes from a file', () => {
  it('shows escape sequences in names and labels as visible \\u001b, in text and in --json', async () => {
    const doc = JSON.parse(lenet);
    doc.name = 'Evil\u001b]0;pwned\u0007\u001b[2J';
    doc.nodes[1].label = 'C1\u009b31m';
    const file = join(dir, 'escapes.json');
    writeFileSync(file, JSON.stringify(doc));
    expect(await main(['check', file])).toBe(0);
    expect(stdout).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(stdout).toContain('Graph: Evil\\u001b]0;pwned\\u0007\\u001b[2J');
    expect(stdout).toContain('C1\\u009b31m');
    stdout = '';
    expect(await main(['check', file, '--json'])).toBe(0);
    expect(stdout).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(JSON.parse(stdout).ok).toBe(true);
  });

  it('shows a CSV cell with an escape sequence visibly in the error', async () => {
    const parsed = parseGraph(readFileSync(resolve('templates/mlp.json'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    const graph = join(dir, 'mlp.json');
    writeFileSync(graph, serializeGraph(parsed.doc));
    writeFileSync(join(dir, 'mlp.weights.json'), serializeWeights(initialWeights(planExport(parsed.doc), 1), 'mlp'));
    const csv = join(dir, 'evil.csv');
    writeFileSync(csv, `${Array.from({ length: 784 }, () => '0').join(',')}\n\u001b[31mred${',0'.repeat(783)}\n`);
    expect(await main(['predict', graph, '--input', csv])).toBe(2);
    expect(stderr).toContain('"\\u001b[31mred" is not a number');
    expect(stderr).not.toMatch(/\u001b/);
  }, 60_000);
});
