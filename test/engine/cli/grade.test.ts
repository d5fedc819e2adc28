import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../engine/cli/main';
import type { GraphDoc } from '../../../engine/graph/types';
import type { Lesson } from '../../../engine/lesson';
import { chain } from '../../helpers/graphs';

const run = promisify(execFile);

/** The real CLI, the way an instructor runs it. */
async function netcanvas(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/netcanvas.mjs', ...args], { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lesson: Lesson = {
  title: 'Wide enough',
  instructions: 'Give **h** 32 units.',
  locked: { nodes: ['in', 'out'] },
  checks: [
    { id: 'valid', text: 'no errors', points: 1, kind: 'valid' },
    { id: 'wide', text: 'h has 32 units', points: 2, kind: 'params', node: 'h', min: 25_000 },
    { id: 'acc', text: 'learns something', points: 3, kind: 'testAccuracy', min: 0.5 },
  ],
  run: { limit: 300, testLimit: 200, epochs: 1, seed: 3 },
};

const graph = (units: number): GraphDoc => ({
  ...chain(
    ['in', 'input', { shape: [28, 28, 1] }],
    ['flat', 'flatten'],
    ['h', 'dense', { units }],
    ['r', 'relu'],
    ['out', 'dense', { units: 10 }],
  ),
  training: { optimizer: 'adam', learningRate: 0.003, batchSize: 32 },
  dataset: { source: 'embedded:mnist' },
});

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-grade-'));
const lessonFile = join(dir, 'lesson.json');
writeFileSync(lessonFile, JSON.stringify({ ...graph(8), lesson }));
const classDir = join(dir, 'class');
mkdirSync(join(classDir, 'carol'), { recursive: true });
writeFileSync(join(classDir, 'alice.json'), JSON.stringify({ ...graph(32), lesson }));
writeFileSync(join(classDir, 'bob.json'), JSON.stringify(graph(8)));
writeFileSync(join(classDir, 'dave.json'), '{"format": "netcanvas.graph", "version": 1, "nodes": [');
// Carol claims a lesson with no locks, and a result she never earned; she changed the locked output.
const carol = { ...graph(32), nodes: graph(32).nodes.map((n) => (n.id === 'out' ? { ...n, params: { units: 12 } } : n)) };
writeFileSync(
  join(classDir, 'carol', 'submission.json'),
  JSON.stringify({ ...carol, lesson: { ...lesson, locked: {} }, submission: { points: 6 } }),
);
writeFileSync(join(classDir, 'alice.weights.json'), '{}');

describe('netcanvas grade', { timeout: 180_000 }, () => {
  it('grades a folder into one JSON gradebook: good, unfinished, malformed and tampered submissions', async () => {
    const r = await netcanvas('grade', classDir, '--lesson', lessonFile, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { submissions } = JSON.parse(r.stdout) as {
      submissions: {
        file: string;
        points: number;
        maxPoints: number;
        checks: { id: string; passed: boolean | null; points: number; message: string }[];
      }[];
    };
    expect(submissions.map((s) => [s.file, s.points, s.maxPoints])).toEqual([
      ['alice.json', 3, 6],
      ['bob.json', 1, 6],
      [join('carol', 'submission.json'), 0, 6],
      ['dave.json', 0, 6],
    ]);
    const [alice, bob, carol, dave] = submissions;
    expect(alice!.checks.map((c) => [c.id, c.passed, c.points])).toEqual([
      ['locked', true, 0],
      ['valid', true, 1],
      ['wide', true, 2],
      ['acc', null, 0],
    ]);
    expect(alice!.checks[3]!.message).toBe(
      'not graded: trained checks run only with --train (1 epoch on 300 training samples of embedded:mnist, tested on 200, seed 3)',
    );
    expect(bob!.checks[2]).toEqual({ id: 'wide', passed: false, points: 0, message: 'h has 6,280 parameters; at least 25,000 wanted' });
    expect(carol!.checks[0]).toEqual({
      id: 'locked',
      passed: false,
      points: 0,
      message: 'no points: out.units was changed from 10 to 12, but the lesson locks out',
    });
    expect(dave!.checks[0]).toMatchObject({
      id: 'file',
      passed: false,
      points: 0,
      message: expect.stringMatching(/^not a graph file NetCanvas can read: not valid JSON/),
    });
  });

  it('writes a CSV gradebook: file, each check, total, and why', async () => {
    const out = join(dir, 'gradebook.csv');
    const r = await netcanvas('grade', classDir, '--lesson', lessonFile, '--csv', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`graded 4 submissions against "Wide enough": gradebook written to ${out}\n`);
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines[0]).toBe('file,locked,valid,wide,acc,total,max,feedback');
    expect(lines[1]).toBe('alice.json,ok,1,2,not graded,3,6,not graded without --train: acc');
    expect(lines[2]).toBe(
      'bob.json,ok,1,0,not graded,1,6,"wide: h has 6,280 parameters; at least 25,000 wanted | not graded without --train: acc"',
    );
    expect(lines[3]).toMatch(
      /^carol\/submission\.json,changed,0,0,not graded,0,6,"locked: no points: out\.units was changed from 10 to 12/,
    );
    expect(lines[4]).toMatch(/^dave\.json,unreadable,0,0,0,0,6,"?file: not a graph file NetCanvas can read: not valid JSON/);
  });

  it('prints a readable summary for one file, and refuses unusable lessons and arguments with exit 2', async () => {
    const one = await netcanvas('grade', join(classDir, 'bob.json'), '--lesson', lessonFile);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Wide enough (lesson.json)');
    expect(one.stdout).toContain('  ✗ wide: h has 6,280 parameters; at least 25,000 wanted');

    const noLesson = join(dir, 'plain.json');
    writeFileSync(noLesson, JSON.stringify(graph(8)));
    const broken = join(dir, 'broken-lesson.json');
    writeFileSync(broken, JSON.stringify({ ...graph(8), lesson: { ...lesson, locked: { nodes: ['output'] } } }));
    const badField = join(dir, 'bad-field.json');
    writeFileSync(badField, JSON.stringify({ ...graph(8), lesson: { ...lesson, checks: [{ id: 'a', text: 't', kind: 'params' }] } }));
    const cases: [string[], RegExp][] = [
      [[classDir], /missing --lesson LESSON\.json/],
      [[classDir, '--lesson', noLesson], /plain\.json has no "lesson" object/],
      [[classDir, '--lesson', broken], /the lesson cannot be used: lesson\.locked\.nodes\[0\]: there is no node "output" in this graph/],
      [[classDir, '--lesson', badField], /lesson\.checks\[0\]\.min: a params check needs "min", "max" or both/],
      [[join(dir, 'nowhere'), '--lesson', lessonFile], /cannot read .*nowhere: no such file or folder/],
      [[classDir, '--lesson', lessonFile, '--json', '--csv', 'x.csv'], /choose one of --json and --csv/],
    ];
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    cases.push([[empty, '--lesson', lessonFile], /holds no \.json submissions/]);
    // In this process (each a real CLI start costs seconds here): the same main() bin/netcanvas.mjs calls.
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      for (const [args, message] of cases) {
        stderr.mockClear();
        expect(await main(['grade', ...args]), args.join(' ')).toBe(2);
        expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(message);
      }
    } finally {
      stderr.mockRestore();
    }
  });

  it('--train re-runs trained checks with the lesson settings, ignoring what a submission claims', async () => {
    const trainDir = join(dir, 'train');
    mkdirSync(trainDir);
    // Claims 99% and a lesson of one epoch less; has 32 units and adam: learns.
    writeFileSync(join(trainDir, 'alice.json'), JSON.stringify({ ...graph(32), submission: { run: { testAccuracy: 0.99 } } }));
    // An invalid graph is not trained, and says why.
    const broken = { ...graph(32), nodes: graph(32).nodes.map((n) => (n.id === 'flat' ? { ...n, type: 'relu' } : n)) };
    writeFileSync(join(trainDir, 'erin.json'), JSON.stringify(broken));
    const r = await netcanvas('grade', trainDir, '--lesson', lessonFile, '--train', '--json');
    expect(r.code).toBe(0);
    const { submissions } = JSON.parse(r.stdout) as {
      submissions: { file: string; points: number; checks: { id: string; passed: boolean | null; message: string }[] }[];
    };
    const acc = (i: number) => submissions[i]!.checks.find((c) => c.id === 'acc')!;
    expect(acc(0).passed).toBe(true);
    expect(acc(0).message).toMatch(/^test accuracy \d+\.\d\d% after 1 epoch; at least 50% wanted$/);
    expect(submissions[0]!.points).toBe(6);
    expect(acc(1)).toMatchObject({ passed: false, message: expect.stringMatching(/^not trained: the graph has errors \(first: /) });
  });
});
