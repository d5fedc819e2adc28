/**
 * The Lesson panel: the instructions, the checklist (green, red, or not marked yet), the points so
 * far, hints one at a time, training with the lesson's settings, and Submit. Instructor mode (a
 * toggle here) adds the tools to write the lesson: locks, palette, run settings and checks.
 */
import { useEffect, useState } from 'react';
import { CHECK_KINDS, type MarkedCheck } from '../../../engine/lesson';
import { useEditor, editorStore } from '../store/editorStore';
import { createLesson } from './lessonActions';
import { InstructorTools } from './InstructorTools';
import { LessonMarkdown } from './LessonMarkdown';
import './lesson.css';
import { useLessonMarks } from './lessonMarks';
import { submitLesson } from './submit';
import { startLessonRun } from '../training/trainActions';
import { useTraining } from '../training/trainingStore';

const isTrained = (m: MarkedCheck) => CHECK_KINDS[m.check.kind].trained;

function CheckRow({ mark }: { mark: MarkedCheck }) {
  const state = mark.passed === true ? 'pass' : mark.passed === false ? 'fail' : 'pending';
  const symbol = state === 'pass' ? '✓' : state === 'fail' ? '✗' : '○';
  const label = state === 'pass' ? 'passed' : state === 'fail' ? 'not yet' : 'not marked yet';
  return (
    <li className={`lesson-check check-${state}`} data-testid={`lesson-check-${mark.check.id}`} data-state={state}>
      <span className="check-mark" role="img" aria-label={label}>
        {symbol}
      </span>
      <div className="check-body">
        <div className="check-text">{mark.check.text}</div>
        <div className="check-message">{mark.message}</div>
      </div>
      <span className="check-points" title="points earned / points">
        {mark.earned}/{mark.check.points}
      </span>
    </li>
  );
}

function Hints({ hints, title }: { hints: readonly string[]; title: string }) {
  const [shown, setShown] = useState(0);
  useEffect(() => setShown(0), [title]);
  if (hints.length === 0) return null;
  return (
    <section className="lesson-hints">
      {hints.slice(0, shown).map((hint, i) => (
        <div key={i} className="lesson-hint" data-testid="lesson-hint">
          <b>Hint {i + 1}.</b> <LessonMarkdown text={hint} />
        </div>
      ))}
      {shown < hints.length && (
        <button data-testid="lesson-show-hint" onClick={() => setShown(shown + 1)}>
          {shown === 0 ? 'Show a hint' : 'Show another hint'} ({hints.length - shown} left)
        </button>
      )}
    </section>
  );
}

function InstructorToggle() {
  const instructor = useEditor((s) => s.instructor);
  return (
    <label className="lesson-mode" title="Instructor mode: locks are off, and the lesson itself can be edited">
      <input
        type="checkbox"
        data-testid="instructor-mode"
        checked={instructor}
        onChange={(e) => editorStore().getState().setInstructor(e.target.checked)}
      />
      Instructor mode
    </label>
  );
}

function NoLesson() {
  const instructor = useEditor((s) => s.instructor);
  return (
    <div className="lesson-panel">
      <div className="lesson-header">
        <h2 className="panel-title">Lesson</h2>
        <InstructorToggle />
      </div>
      <p className="panel-doc">
        This graph is not a lesson. Open one from the gallery’s Lessons tab, or, in instructor mode, turn this graph into one.
      </p>
      {instructor && (
        <button data-testid="create-lesson" onClick={() => editorStore().getState().perform(createLesson, {})}>
          Turn this graph into a lesson
        </button>
      )}
    </div>
  );
}

export function LessonPanel() {
  const marked = useLessonMarks();
  const instructor = useEditor((s) => s.instructor);
  const requesting = useTraining((s) => s.requesting);
  if (!marked) return <NoLesson />;
  const { lesson, marks, points, maxPoints, settings, run } = marked;
  const trained = marks.filter(isTrained);
  const structural = marks.filter((m) => !isTrained(m));
  const done = points === maxPoints;
  return (
    <div className="lesson-panel" data-testid="lesson-panel">
      <div className="lesson-header">
        <h2 className="panel-title" data-testid="lesson-title">
          {lesson.title}
        </h2>
        <InstructorToggle />
      </div>
      <div className={`lesson-score${done ? ' lesson-score-full' : ''}`} data-testid="lesson-points">
        {points} / {maxPoints} points
      </div>
      <ul className="lesson-checks" aria-label="Checklist">
        {structural.map((m) => (
          <CheckRow key={m.check.id} mark={m} />
        ))}
      </ul>
      {trained.length > 0 && (
        <section className="lesson-trained">
          <h3>After training</h3>
          <p className="field-help">Marked from a run with the lesson’s settings: {settings}.</p>
          <ul className="lesson-checks">
            {trained.map((m) => (
              <CheckRow key={m.check.id} mark={m} />
            ))}
          </ul>
          <button
            className="primary"
            data-testid="lesson-train"
            disabled={requesting || run.state === 'running'}
            onClick={() => void startLessonRun()}
          >
            {run.state === 'running' ? 'Training…' : run.state === 'none' ? 'Train with the lesson’s settings' : 'Train again'}
          </button>
        </section>
      )}
      <section className="lesson-instructions" aria-label="Instructions">
        <h3>Instructions</h3>
        <LessonMarkdown text={lesson.instructions} />
      </section>
      <Hints hints={lesson.hints ?? []} title={lesson.title} />
      <div className="lesson-submit">
        <button data-testid="lesson-submit" onClick={() => void submitLesson()}>
          Submit…
        </button>
        <span className="field-help">Saves your graph with the lesson and your latest run’s results, for your instructor.</span>
      </div>
      {instructor && <InstructorTools />}
    </div>
  );
}
