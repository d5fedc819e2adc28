/**
 * `netcanvas grade SUBMISSION.json|DIR --lesson LESSON.json [--train] [--json | --csv OUT.csv] [--backend NAME]`.
 * Marks each submission against the lesson as handed out (engine/lesson/grade). With --train,
 * trained checks are re-run here, one trainer process per submission, with the lesson's
 * settings and seed; without it they are reported as not graded. A folder is graded into one
 * gradebook; a file that cannot be read gets a mark of 0 that says why, and the rest go on.
 * Exit codes: 0 every submission got a mark; 1 some trained check could not be run for a reason
 * that is not the student's (the trainer's backend failed); 2 the lesson or the arguments are unusable.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { checkGraph } from '../check/checkGraph';
import { parseGraph } from '../graph/load';
import type { GraphDoc } from '../graph/types';
import {
  describeLessonRun,
  gradeSubmission,
  gradeUnreadable,
  gradebookCsv,
  hasTrainedChecks,
  lessonProblems,
  lessonRunRequest,
  lockedChanges,
  summarizeRun,
  type GradedSubmission,
  type Lesson,
  type LessonRunResults,
} from '../lesson';
import { startTrainerProcess } from '../train/processClient';
import type { TrainerEvent } from '../train/protocol';
import { plainReason, readTextBounded, writeFileAtomic } from '../io';
import { CliError, out, readGraphFile } from './io';
import { datasetSource } from './train';

export interface GradeArgs {
  readonly target: string;
  readonly lesson?: string;
  readonly train: boolean;
  readonly json: boolean;
  readonly csv?: string;
  readonly backend?: string;
}

/** A submission is a graph file: anything larger is not one (and is not read whole). */
const MAX_SUBMISSION_BYTES = 16 * 1024 * 1024;

/** Trainer failures that are the machine's, not the student's graph's. */
const NOT_THE_STUDENT = new Set(['backend', 'internal']);

async function readLesson(path: string): Promise<{ doc: GraphDoc; lesson: Lesson }> {
  const doc = await readGraphFile(path);
  if (!doc.lesson) throw new CliError(`${path} has no "lesson" object: --lesson needs a lesson file (a graph file with a lesson)`);
  const problems = lessonProblems(doc);
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new CliError(`${path}: the lesson cannot be used: ${problems[0]}${more}`);
  }
  return { doc, lesson: doc.lesson };
}

/** The .json files to grade: the file itself, or a folder's (and its sub-folders', one level down). */
function submissionsIn(target: string, lessonPath: string): { path: string; label: string }[] {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    throw new CliError(`cannot read ${target}: no such file or folder`);
  }
  if (!stat.isDirectory()) return [{ path: target, label: target }];
  const lessonFile = resolve(lessonPath);
  const found: string[] = [];
  const visit = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth === 0) visit(path, 1);
      else if (entry.isFile() && entry.name.endsWith('.json') && !entry.name.endsWith('.weights.json') && resolve(path) !== lessonFile) {
        found.push(path);
      }
    }
  };
  visit(target, 0);
  if (found.length === 0) throw new CliError(`${target} holds no .json submissions`);
  return found.map((path) => ({ path, label: relative(target, path) }));
}

async function readSubmission(path: string): Promise<{ doc: GraphDoc } | { error: string }> {
  try {
    const parsed = parseGraph(await readTextBounded(path, { maxBytes: MAX_SUBMISSION_BYTES, what: 'a graph file may be' }));
    return parsed.ok ? { doc: parsed.doc } : { error: `not a graph file NetCanvas can read: ${parsed.error}` };
  } catch (err) {
    return { error: `the file cannot be read: ${plainReason(err)}` };
  }
}

interface Trainer {
  readonly run: (submission: GraphDoc) => Promise<{ results: LessonRunResults; ours: boolean }>;
}

/** Runs a submission's graph in a trainer process with the lesson's settings; never throws. */
function trainer(lessonDoc: GraphDoc, lessonPath: string, backend: string | undefined): Trainer {
  let n = 0;
  return {
    async run(submission) {
      const request = lessonRunRequest(lessonDoc, submission, (source) => datasetSource(undefined, source, lessonPath));
      const events: TrainerEvent[] = [];
      const process = startTrainerProcess({ type: 'start', runId: `grade-${++n}`, ...request, ...(backend ? { backend } : {}) }, (e) =>
        events.push(e),
      );
      const end = await process.done;
      const results = summarizeRun(events) ?? { ...emptyRun, error: 'training failed: the trainer ended without a result' };
      return { results, ours: end.type === 'error' && NOT_THE_STUDENT.has(end.kind) };
    },
  };
}

const emptyRun: LessonRunResults = {
  testAccuracy: null,
  trainAccuracy: null,
  trainLoss: null,
  validationAccuracy: null,
  epochsCompleted: 0,
  epochs: 0,
  stopped: false,
  firstEpochGradientNorms: {},
};

/** Why a submission is not trained at all, or null when it should be. */
function notTrainable(lessonDoc: GraphDoc, submission: GraphDoc): string | null {
  if (lockedChanges(lessonDoc, submission).length > 0) return 'not trained: the locked parts were changed';
  const result = checkGraph(submission);
  const error = result.diagnostics.find((d) => d.severity === 'error');
  if (error) return `not trained: the graph has errors (first: ${error.message})`;
  if (result.outputIds.length === 0) return 'not trained: nothing is connected to the input';
  return null;
}

export async function runGrade(args: GradeArgs): Promise<number> {
  if (!args.lesson) throw new CliError('missing --lesson LESSON.json: the lesson to grade against');
  if (args.json && args.csv !== undefined) throw new CliError('choose one of --json and --csv');
  const { doc: lessonDoc, lesson } = await readLesson(args.lesson);
  const files = submissionsIn(args.target, args.lesson);
  const training = args.train && hasTrainedChecks(lesson);
  const settings = describeLessonRun(lessonDoc);
  const notRun = `not graded: trained checks run only with --train (${settings})`;
  const progress = (line: string) => {
    if (!args.json && process.stderr.isTTY) process.stderr.write(`${line}\n`);
  };
  const runs = training ? trainer(lessonDoc, args.lesson, args.backend) : null;

  const graded: GradedSubmission[] = [];
  let unmarked = 0;
  for (const [i, file] of files.entries()) {
    const read = await readSubmission(file.path);
    if ('error' in read) {
      graded.push({ file: file.label, ...gradeUnreadable(lesson, read.error) });
      continue;
    }
    let run: LessonRunResults | null = null;
    if (runs) {
      const why = notTrainable(lessonDoc, read.doc);
      if (why) run = { ...emptyRun, error: why };
      else {
        progress(`training ${file.label} (${i + 1}/${files.length}): ${settings}…`);
        const trained = await runs.run(read.doc);
        run = trained.results;
        if (trained.ours) unmarked++;
      }
    }
    graded.push({ file: file.label, ...gradeSubmission(lessonDoc, read.doc, run, notRun) });
  }

  if (args.json) out(JSON.stringify({ submissions: graded }, null, 2));
  else if (args.csv !== undefined) {
    await writeFileAtomic(args.csv, gradebookCsv(lesson, graded));
    out(`graded ${graded.length} submission${graded.length === 1 ? '' : 's'} against "${lesson.title}": gradebook written to ${args.csv}`);
  } else printText(lesson, graded, basename(args.lesson));
  if (unmarked > 0) {
    process.stderr.write(`netcanvas: ${unmarked} submission(s) could not be trained for a reason that is not theirs; see their rows\n`);
    return 1;
  }
  return 0;
}

function printText(lesson: Lesson, graded: readonly GradedSubmission[], lessonName: string): void {
  out(`${lesson.title} (${lessonName})`);
  const width = Math.max(...graded.map((g) => g.file.length));
  for (const g of graded) {
    out(`${g.file.padEnd(width)}  ${g.points}/${g.maxPoints}`);
    for (const c of g.checks) {
      if (c.passed === true) continue;
      out(`  ${c.passed === null ? '·' : '✗'} ${c.id}: ${c.message}`);
    }
  }
}
