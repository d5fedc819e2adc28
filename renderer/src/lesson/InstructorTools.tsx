/**
 * Instructor mode's part of the Lesson panel: what the lesson names that the graph lacks, the
 * title and instructions, which training fields are locked, the palette, how trained checks are
 * run, the checks (remove) and a form to add one. Node and param locks are set from the inspector.
 */
import { trainingFields, lessonProblems, type Lesson, type LessonRun } from '../../../engine/lesson';
import { LAYER_TYPES } from '../../../engine/layers/registry';
import { saveGraphAs } from '../files/fileActions';
import { CommitField } from '../panels/CommitField';
import { editorStore, useEditor } from '../store/editorStore';
import { CheckForm } from './CheckForm';
import { removeCheck, setLessonRun, setLessonText, setPalette, toggleTrainingLock } from './lessonActions';

const store = editorStore;

function RunSettings({ lesson }: { lesson: Lesson }) {
  const run = lesson.run ?? {};
  const field = (name: keyof LessonRun & string, label: string, numeric: boolean) => (
    <CommitField
      key={`run-${name}-${String(run[name] ?? '')}`}
      label={label}
      value={run[name] === undefined ? '' : String(run[name])}
      placeholder="the lesson file’s"
      commit={(text) => {
        const next: Record<string, unknown> = { ...run };
        if (text.trim() === '') delete next[name];
        else next[name] = numeric ? Number(text) : text.trim();
        return { action: setLessonRun, args: { run: next as LessonRun } };
      }}
    />
  );
  return (
    <details className="instructor-section">
      <summary>How trained checks run</summary>
      {field('dataset', 'Dataset', false)}
      {field('limit', 'Training samples', true)}
      {field('testLimit', 'Test samples', true)}
      {field('epochs', 'Epochs', true)}
      {field('seed', 'Seed', true)}
    </details>
  );
}

function Palette({ lesson }: { lesson: Lesson }) {
  const palette = lesson.palette;
  const toggle = (type: string) => {
    const now = palette ?? [...LAYER_TYPES];
    const next = now.includes(type) ? now.filter((t) => t !== type) : [...now, type];
    store().getState().perform(setPalette, { types: next });
  };
  return (
    <details className="instructor-section">
      <summary>Palette: {palette ? `${palette.length} node types` : 'every node type'}</summary>
      <label className="inline-check">
        <input
          type="checkbox"
          checked={!palette}
          onChange={(e) =>
            store()
              .getState()
              .perform(setPalette, { types: e.target.checked ? null : [] })
          }
        />
        Students may add every node type
      </label>
      {palette && (
        <div className="type-grid">
          {LAYER_TYPES.map((t) => (
            <label key={t} className="inline-check">
              <input type="checkbox" data-testid={`palette-allow-${t}`} checked={palette.includes(t)} onChange={() => toggle(t)} />
              {t}
            </label>
          ))}
        </div>
      )}
    </details>
  );
}

function TrainingLocks({ lesson }: { lesson: Lesson }) {
  const locked = new Set(lesson.locked?.training ?? []);
  return (
    <details className="instructor-section">
      <summary>Locked training settings: {locked.size === 0 ? 'none' : [...locked].join(', ')}</summary>
      <div className="type-grid">
        {trainingFields().map((f) => (
          <label key={f} className="inline-check">
            <input
              type="checkbox"
              data-testid={`lock-training-${f}`}
              checked={locked.has(f)}
              onChange={() => store().getState().perform(toggleTrainingLock, { field: f })}
            />
            {f}
          </label>
        ))}
      </div>
    </details>
  );
}

export function InstructorTools() {
  const doc = useEditor((s) => s.doc);
  const lesson = doc.lesson;
  if (!lesson) return null;
  const problems = lessonProblems(doc);
  return (
    <section className="instructor-tools" data-testid="instructor-tools">
      <h3>Instructor</h3>
      <p className="field-help">Select a node to lock it or its params in the inspector.</p>
      {problems.length > 0 && (
        <ul className="problems" data-testid="lesson-problems">
          {problems.map((p) => (
            <li key={p} className="problem problem-error">
              {p}
            </li>
          ))}
        </ul>
      )}
      <CommitField
        key={`title-${lesson.title}`}
        label="Title"
        value={lesson.title}
        commit={(text) => ({ action: setLessonText, args: { title: text } })}
      />
      <label className="field">
        Instructions (Markdown)
        <textarea
          key={`instructions-${lesson.instructions.length}`}
          defaultValue={lesson.instructions}
          rows={8}
          data-testid="lesson-instructions"
          onBlur={(e) =>
            e.target.value !== lesson.instructions && store().getState().perform(setLessonText, { instructions: e.target.value })
          }
        />
      </label>
      <label className="field">
        Hints, one per line
        <textarea
          key={`hints-${(lesson.hints ?? []).join('|')}`}
          defaultValue={(lesson.hints ?? []).join('\n')}
          rows={3}
          onBlur={(e) =>
            store()
              .getState()
              .perform(setLessonText, {
                hints: e.target.value
                  .split('\n')
                  .map((h) => h.trim())
                  .filter(Boolean),
              })
          }
        />
      </label>
      <TrainingLocks lesson={lesson} />
      <Palette lesson={lesson} />
      <RunSettings lesson={lesson} />
      <h4>Checks</h4>
      <ul className="instructor-checks">
        {lesson.checks.map((c) => (
          <li key={c.id}>
            <code>{c.id}</code> {c.kind}, {c.points} pt{c.points === 1 ? '' : 's'}{' '}
            <button
              className="link-button"
              data-testid={`remove-check-${c.id}`}
              onClick={() => store().getState().perform(removeCheck, { id: c.id })}
            >
              remove
            </button>
          </li>
        ))}
      </ul>
      <CheckForm doc={doc} />
      <button data-testid="save-lesson" onClick={() => void saveGraphAs()}>
        Save the lesson as…
      </button>
    </section>
  );
}
