/** The document's `training` block as a form; each change is an undoable action, refused with the field's message when invalid. */
import { memo } from 'react';
import { resolveTrainingConfig, type Schedule } from '../../../engine/graph/training';
import { CommitField } from '../panels/CommitField';
import { setTraining } from '../store/actions';
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

const SCHEDULES: Record<Schedule['type'], string> = {
  constant: 'constant',
  step: 'step (× γ every N epochs)',
  inverseTime: 'inverse time ε₀/(1+decay·t)',
  cosine: 'cosine',
};

/** What μ means for the step: v ← μ·v − ε·g averages roughly the last 1/(1 − μ) gradients (μ < 1: the schema's bound). */
function momentumHelp(mu: number): string {
  if (mu === 0) return 'v ← μv − εg; 0: plain SGD, each step follows its own minibatch';
  return `v ← μv − εg: each step follows about the last ${+(1 / (1 - mu)).toPrecision(2)} minibatches’ gradients`;
}

export const TrainingConfigForm = memo(function TrainingConfigForm() {
  const training = useEditor((s) => s.doc.training);
  const resolved = resolveTrainingConfig(training);
  if (!resolved.ok) return <p className="field-error">{resolved.error}</p>;
  const c = resolved.config;
  const s = c.schedule;
  const set = (patch: Record<string, unknown>) => editorStore().getState().perform(setTraining, { patch });
  const field = (label: string, key: keyof typeof c, help?: string) => (
    <CommitField key={`${key}-${String(c[key])}`} label={label} value={String(c[key])} help={help} commit={numberPatch(key)} />
  );
  return (
    <section className="train-section config-grid">
      <h3>Training</h3>
      <label className="field">
        Runner
        <select
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
      <label className="field">
        Optimizer
        <select value={c.optimizer} onChange={(e) => set({ optimizer: e.target.value })} data-testid="optimizer">
          <option value="adam">Adam</option>
          <option value="sgd">SGD (momentum)</option>
        </select>
      </label>
      {field('Learning rate', 'learningRate')}
      {c.optimizer === 'sgd' && field('Momentum', 'momentum', momentumHelp(c.momentum))}
      <label className="field">
        Schedule
        <select value={s.type} onChange={(e) => set({ schedule: { type: e.target.value } })} data-testid="schedule">
          {Object.entries(SCHEDULES).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {s.type === 'step' && (
        <>
          <CommitField
            key={`every-${s.everyEpochs}`}
            label="Every N epochs"
            value={String(s.everyEpochs)}
            commit={schedulePatch(s, 'everyEpochs')}
          />
          <CommitField key={`gamma-${s.gamma}`} label="γ" value={String(s.gamma)} commit={schedulePatch(s, 'gamma')} />
        </>
      )}
      {s.type === 'inverseTime' && (
        <CommitField key={`decay-${s.decay}`} label="Decay" value={String(s.decay)} commit={schedulePatch(s, 'decay')} />
      )}
      {s.type === 'cosine' && (
        <CommitField
          key={`min-${s.minLearningRate}`}
          label="Final rate"
          value={String(s.minLearningRate)}
          commit={schedulePatch(s, 'minLearningRate')}
        />
      )}
      {field('Weight decay λ', 'weightDecay', 'L2 on all weights; override per layer in the inspector')}
      {field('Batch size', 'batchSize')}
      {field('Epochs', 'epochs')}
      {field('Validation split', 'validationSplit')}
      <SchedulePreview config={c} />
    </section>
  );
});
