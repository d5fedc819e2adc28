/**
 * The document's `training` block as a form; each change is an undoable action, refused with the field's message when invalid.
 * What it shows, in which order, comes from the training-options table (engine/graph/training-options.ts): its number
 * fields are drawn from there, the three controls below are the form's own.
 */
import { Fragment, memo, type ReactNode } from 'react';
import { SCHEDULE_TYPES, SCHEDULES } from '../../../engine/graph/schedules';
import { resolveTrainingConfig, type Optimizer, type Schedule, type TrainingConfig } from '../../../engine/graph/training';
import { LOSS_LABELS, TASK_LOSSES } from '../../../engine/task/ids';
import { TASK_LIST, TASKS } from '../../../engine/task/registry';
import { TRAINING_OPTIONS, type TrainingOption, type TrainingOptionName } from '../../../engine/graph/training-options';
import { CommitField } from '../panels/CommitField';
import { LockMark } from '../panels/LockMark';
import { applyFix, setTraining } from '../store/actions';
import { checkOfState } from '../store/checkCache';
import { SchedulePreview } from './SchedulePreview';
import { editorStore, useEditor } from '../store/editorStore';

const numberPatch = (key: string) => (text: string) => ({
  action: setTraining,
  args: { patch: { [key]: text.trim() === '' ? undefined : Number(text) } },
});
const schedulePatch = (schedule: Schedule, key: string) => (text: string) => ({
  action: setTraining,
  args: { patch: { schedule: { ...schedule, [key]: Number(text) } } },
});

type Set = (patch: Record<string, unknown>) => void;

/** Every optimizer, in the order the select offers them: a new one does not compile until it has a label. */
const OPTIMIZER_LABELS: Record<Optimizer, string> = { adam: 'Adam', sgd: 'SGD (momentum)' };

/** `locked`: the lesson's reason when it locks this field; the control then shows a padlock and is read-only. */
const CONTROLS: Record<
  'runner' | 'task' | 'loss' | 'optimizer' | 'nesterov' | 'schedule',
  (c: TrainingConfig, set: Set, locked?: string) => ReactNode
> = {
  task: (c, set) => (
    <label className="field" title={TASKS[c.task].doc}>
      Task
      <select
        value={c.task}
        // A loss chosen for the old task may not exist for the new one: the new task's default.
        onChange={(e) => set({ task: e.target.value === 'classification' ? undefined : e.target.value, loss: undefined })}
        data-testid="task"
      >
        {TASK_LIST.map((t) => (
          <option key={t.id} value={t.id}>
            {t.label}
          </option>
        ))}
      </select>
    </label>
  ),
  loss: (c, set) =>
    TASK_LOSSES[c.task].length < 2 ? null : (
      <label className="field">
        Loss
        <select value={c.loss} onChange={(e) => set({ loss: e.target.value })} data-testid="loss">
          {TASK_LOSSES[c.task].map((l) => (
            <option key={l} value={l}>
              {LOSS_LABELS[l]}
            </option>
          ))}
        </select>
      </label>
    ),
  runner: (c, set, locked) => (
    <label className="field">
      <span>
        Runner
        {locked && <LockMark reason={locked} />}
      </span>
      <select
        disabled={!!locked}
        value={c.runner ?? 'tfjs'}
        // The default is left out of the file, so untouched graphs stay as they were.
        onChange={(e) => set({ runner: e.target.value === 'tfjs' ? undefined : e.target.value })}
        data-testid="runner"
        title="TensorFlow.js trains inside NetCanvas; PyTorch runs the exported PyTorch script with Python 3 and torch on this machine"
      >
        <option value="tfjs">TensorFlow.js</option>
        <option value="pytorch">PyTorch</option>
      </select>
    </label>
  ),
  optimizer: (c, set, locked) => (
    <label className="field">
      <span>
        Optimizer
        {locked && <LockMark reason={locked} />}
      </span>
      <select value={c.optimizer} disabled={!!locked} onChange={(e) => set({ optimizer: e.target.value })} data-testid="optimizer">
        {Object.entries(OPTIMIZER_LABELS).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  ),
  nesterov: (c, set, locked) =>
    c.optimizer === 'sgd' && c.momentum > 0 ? (
      <label className="field field-check" title="Nesterov momentum: the gradient is taken at the point the momentum is about to reach">
        <input
          type="checkbox"
          disabled={!!locked}
          checked={c.nesterov}
          onChange={(e) => set({ nesterov: e.target.checked })}
          data-testid="nesterov"
        />
        Nesterov momentum
        {locked && <LockMark reason={locked} />}
      </label>
    ) : null,
  schedule: (c, set, locked) => {
    const s = c.schedule as Schedule & Readonly<Record<string, unknown>>;
    return (
      <>
        <label className="field">
          <span>
            Schedule
            {locked && <LockMark reason={locked} />}
          </span>
          <select value={s.type} disabled={!!locked} onChange={(e) => set({ schedule: { type: e.target.value } })} data-testid="schedule">
            {SCHEDULE_TYPES.map((type) => (
              <option key={type} value={type}>
                {SCHEDULES[type].label}
              </option>
            ))}
          </select>
        </label>
        {SCHEDULES[s.type].fields.map(([field, label]) => (
          <CommitField key={field} label={label} value={String(s[field])} locked={locked} commit={schedulePatch(s, field)} />
        ))}
      </>
    );
  },
};

const OPTIONS = Object.entries(TRAINING_OPTIONS) as [TrainingOptionName, TrainingOption][];

const NO_LOCKS: readonly string[] = [];
/** The checker's warning about the learning rate (10 with Adam), where it is typed, with its fix. */
function LearningRateAdvice() {
  const advice = useEditor((s) => checkOfState(s).diagnostics.find((d) => d.code === 'learning-rate-high'));
  if (!advice) return null;
  return (
    <div className="field-warning" role="alert" data-testid="lr-warning">
      {advice.message}
      {advice.fix && (
        <button className="link-button" onClick={() => editorStore().getState().perform(applyFix, { fix: advice.fix!.action })}>
          {advice.fix.label}
        </button>
      )}
    </div>
  );
}

export const TrainingConfigForm = memo(function TrainingConfigForm() {
  const training = useEditor((s) => s.doc.training);
  // A lesson's locked training fields (instructor mode edits them all).
  const lockedFields = useEditor((s) => (s.instructor ? NO_LOCKS : (s.doc.lesson?.locked?.training ?? NO_LOCKS)));
  const lock = (key: string) => (lockedFields.includes(key) ? `Locked by the lesson` : undefined);
  const resolved = resolveTrainingConfig(training);
  if (!resolved.ok) return <p className="field-error">{resolved.error}</p>;
  const c = resolved.config;
  const set: Set = (patch) => editorStore().getState().perform(setTraining, { patch });
  return (
    <section className="train-section config-grid">
      <h3>Training</h3>
      {OPTIONS.map(([name, { form }]) => {
        if ('control' in form) return <Fragment key={name}>{CONTROLS[form.control](c, set, lock(name))}</Fragment>;
        if (!('field' in form) || (form.optimizer && form.optimizer !== c.optimizer)) return null;
        const input = (
          <CommitField
            key={name}
            label={form.field}
            value={String(c[name])}
            help={form.help?.(c)}
            locked={lock(name)}
            commit={numberPatch(name)}
            testId={`field-${name}`}
          />
        );
        if (name !== 'learningRate') return input;
        return (
          <Fragment key={name}>
            {input}
            <LearningRateAdvice />
          </Fragment>
        );
      })}
      <SchedulePreview config={c} />
    </section>
  );
});
