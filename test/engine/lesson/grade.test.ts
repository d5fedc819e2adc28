import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../../engine/check/checkGraph';
import * as edits from '../../../engine/graph/edits';
import type { GraphDoc } from '../../../engine/graph/types';
import {
  evaluateTrainedCheck,
  gradeSubmission,
  gradeUnreadable,
  gradebookCsv,
  lessonRunRequest,
  summarizeRun,
  type Lesson,
  type LessonCheck,
  type LessonRunResults,
} from '../../../engine/lesson';
import type { TrainerEvent } from '../../../engine/train/protocol';
import { chain } from '../../helpers/graphs';

const lesson: Lesson = {
  title: 'Tiny',
  instructions: '',
  locked: { nodes: ['in'], training: ['optimizer'] },
  checks: [
    { id: 'ok', text: 'no errors', points: 1, kind: 'valid' },
    { id: 'wide', text: 'h has 32 units', points: 2, kind: 'params', node: 'h', min: 25_000 },
    { id: 'acc', text: 'accuracy', points: 3, kind: 'testAccuracy', min: 0.8 },
  ],
  run: { limit: 500, epochs: 2, seed: 7 },
};

const lessonDoc: GraphDoc = {
  ...chain(['in', 'input', { shape: [28, 28, 1] }], ['flat', 'flatten'], ['h', 'dense', { units: 8 }], ['out', 'dense', { units: 10 }]),
  training: { optimizer: 'sgd', momentum: 0, epochs: 30 },
  dataset: { source: 'embedded:mnist' },
  lesson,
};

function set(doc: GraphDoc, id: string, name: string, value: unknown): GraphDoc {
  const r = edits.setParam(doc, id, name, value);
  if ('error' in r) throw new Error(r.error);
  return r.doc;
}

const run = (over: Partial<LessonRunResults> = {}): LessonRunResults => ({
  testAccuracy: 0.9,
  trainAccuracy: 0.95,
  trainLoss: 0.2,
  validationAccuracy: 0.9,
  epochsCompleted: 2,
  epochs: 2,
  stopped: false,
  firstEpochGradientNorms: { h: 0.5, out: 2 },
  ...over,
});

describe('grading', () => {
  it('marks each check and totals the points; trained checks not graded without a run', () => {
    const grade = gradeSubmission(lessonDoc, set(lessonDoc, 'h', 'units', 32), null, 'not graded: needs --train');
    expect(grade).toEqual({
      points: 3,
      maxPoints: 6,
      checks: [
        { id: 'locked', passed: true, points: 0, message: 'the locked parts are as handed out' },
        { id: 'ok', passed: true, points: 1, message: 'the graph has no errors' },
        { id: 'wide', passed: true, points: 2, message: 'h has 25,120 parameters; at least 25,000 wanted' },
        { id: 'acc', passed: null, points: 0, message: 'not graded: needs --train' },
      ],
    });
    expect(gradeSubmission(lessonDoc, set(lessonDoc, 'h', 'units', 32), run(), '').points).toBe(6);
    expect(gradeSubmission(lessonDoc, lessonDoc, run({ testAccuracy: 0.5 }), '').checks.at(-1)).toEqual({
      id: 'acc',
      passed: false,
      points: 0,
      message: 'test accuracy 50.00% after 2 epochs; at least 80% wanted',
    });
  });

  it('gives no points when locked parts changed, whatever the submission claims about its own lesson', () => {
    const claims = { ...set(lessonDoc, 'h', 'units', 32), training: { optimizer: 'adam' }, lesson: { ...lesson, locked: {} } };
    const grade = gradeSubmission(lessonDoc, claims, run(), '');
    expect(grade.points).toBe(0);
    expect(grade.checks[0]).toEqual({
      id: 'locked',
      passed: false,
      points: 0,
      message: 'no points: training.optimizer was changed from "sgd" to "adam", but the lesson locks it',
    });
    expect(grade.checks.slice(1).map((c) => c.passed)).toEqual([true, true, true]);
  });

  it('marks an unreadable file 0 with the reason', () => {
    expect(gradeUnreadable(lesson, 'not valid JSON at line 1, column 2')).toEqual({
      points: 0,
      maxPoints: 6,
      checks: [
        { id: 'file', passed: false, points: 0, message: 'not valid JSON at line 1, column 2' },
        { id: 'locked', passed: false, points: 0, message: 'not marked: the file could not be read' },
        { id: 'ok', passed: false, points: 0, message: 'not marked: the file could not be read' },
        { id: 'wide', passed: false, points: 0, message: 'not marked: the file could not be read' },
        { id: 'acc', passed: false, points: 0, message: 'not marked: the file could not be read' },
      ],
    });
  });

  it('writes a CSV gradebook: a column per check, the total, and why checks failed; cells cannot become formulas', () => {
    const csv = gradebookCsv(lesson, [
      { file: 'alice.json', ...gradeSubmission(lessonDoc, set(lessonDoc, 'h', 'units', 32), run(), '') },
      { file: 'bob.json', ...gradeSubmission(lessonDoc, lessonDoc, null, 'not graded') },
      { file: '=cmd.json', ...gradeUnreadable(lesson, 'not valid JSON, "really"') },
    ]);
    expect(csv.split('\n')).toEqual([
      'file,locked,ok,wide,acc,total,max,feedback',
      'alice.json,ok,1,2,3,6,6,all checks passed',
      'bob.json,ok,1,0,not graded,1,6,"wide: h has 6,280 parameters; at least 25,000 wanted | not graded without --train: acc"',
      `'=cmd.json,unreadable,0,0,0,0,6,"file: not valid JSON, ""really"" | locked: not marked: the file could not be read | ok: not marked: the file could not be read | wide: not marked: the file could not be read | acc: not marked: the file could not be read"`,
      '',
    ]);
  });
});

describe('trained checks', () => {
  const result = checkGraph(lessonDoc);
  const mark = (c: Partial<LessonCheck> & Pick<LessonCheck, 'kind'>, r: LessonRunResults | null) =>
    evaluateTrainedCheck({ id: 'x', text: 't', points: 1, ...c }, result, r, 'train it first');

  it('reads the run: accuracy, loss, gap, gradient ratio (first to last layer by default)', () => {
    expect(mark({ kind: 'testAccuracy', min: 0.97 }, run())).toEqual({
      passed: false,
      message: 'test accuracy 90.00% after 2 epochs; at least 97% wanted',
    });
    expect(mark({ kind: 'trainLoss', max: 0.5 }, run())).toEqual({
      passed: true,
      message: 'training loss 0.2 in the last epoch; at most 0.5 wanted',
    });
    expect(mark({ kind: 'accuracyGap', max: 0.03 }, run())).toEqual({
      passed: false,
      message: 'training accuracy 95.00%, test accuracy 90.00%: a gap of 5.00 points; at most 3 points wanted',
    });
    expect(mark({ kind: 'gradientRatio', min: 0.01 }, run({ firstEpochGradientNorms: { h: 0.0004, out: 2 } }))).toEqual({
      passed: false,
      message: "over the first epoch h's gradient is 1/5,000 of out's (‖∇h‖ / ‖∇out‖ = 0.0002); at least 0.01 wanted",
    });
    expect(mark({ kind: 'gradientRatio', from: 'h', to: 'out', min: 0.01 }, run()).passed).toBe(true);
    expect(mark({ kind: 'gradientRatio', from: 'flat', min: 0.01 }, run()).message).toBe(
      'flat got no gradient in the run (it has no weights, or is not connected)',
    );
  });

  it('is not marked without a run, and fails a failed or stopped run with its reason', () => {
    expect(mark({ kind: 'testAccuracy', min: 0.9 }, null)).toEqual({ passed: null, message: 'train it first' });
    expect(mark({ kind: 'testAccuracy', min: 0.9 }, run({ error: 'training failed: diverged' }))).toEqual({
      passed: false,
      message: 'training failed: diverged',
    });
    expect(mark({ kind: 'testAccuracy', min: 0.9 }, run({ stopped: true, epochsCompleted: 1 })).message).toBe(
      'the run stopped after 1 of 2 epochs; train to the end to mark this',
    );
  });

  it('summarizes a run from its events only', () => {
    const events: TrainerEvent[] = [
      {
        type: 'started',
        runId: 'r',
        backend: { name: 'wasm', detail: '', skipped: [] },
        dataset: { name: 'm', trainCount: 9, validationCount: 1, testCount: 5, shape: [28, 28, 1], classNames: [] },
        params: 1,
        config: { epochs: 2 },
      },
      ...[1, 2].map((epoch): TrainerEvent => ({
        type: 'epoch',
        runId: 'r',
        epoch,
        epochs: 2,
        trainLoss: 1 / epoch,
        trainAccuracy: 0.5 * epoch,
        validationLoss: null,
        validationAccuracy: 0.4 * epoch,
        learningRate: 0.1,
        samplesPerSecond: 1,
        etaSeconds: 0,
        seconds: 1,
        backend: 'wasm',
        gradientNorms: { h: epoch, out: 10 * epoch },
      })),
    ];
    expect(summarizeRun(events)).toBeNull();
    const done: TrainerEvent = {
      type: 'done',
      runId: 'r',
      stopped: false,
      metrics: { testLoss: 0.3, testAccuracy: 0.85, trainLoss: 0.5, trainAccuracy: 1, seconds: 2, epochsCompleted: 2 },
      confusion: [],
      classNames: [],
      misclassified: [],
      checkpoint: null,
    };
    expect(summarizeRun([...events, done])).toEqual({
      testAccuracy: 0.85,
      trainAccuracy: 1,
      trainLoss: 0.5,
      validationAccuracy: 0.8,
      epochsCompleted: 2,
      epochs: 2,
      stopped: false,
      firstEpochGradientNorms: { h: 1, out: 10 },
    });
    expect(summarizeRun([...events, { type: 'error', runId: 'r', kind: 'diverged', message: 'the loss became NaN' }])?.error).toBe(
      'training failed: the loss became NaN',
    );
  });

  it("runs with the lesson's dataset, limits, epochs, seed and locked training fields, never the student's", () => {
    const student = {
      ...lessonDoc,
      training: { optimizer: 'adam', momentum: 0.9, epochs: 500, seed: 3 },
      dataset: { source: '/elsewhere' },
    };
    const request = lessonRunRequest(lessonDoc, student);
    expect(request.dataset).toEqual({ source: 'embedded:mnist', limit: 500 });
    expect(request.config).toEqual({ epochs: 2, seed: 7 });
    expect(request.graph.training).toEqual({ optimizer: 'sgd', momentum: 0.9, epochs: 500, seed: 3 });
  });
});
