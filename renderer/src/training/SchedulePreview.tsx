/**
 * The learning rate each epoch will train at, drawn under the schedule's fields: one bar per epoch
 * (the schedule steps once per epoch), so step decay, ε₀/(1+decay·t) and cosine can be seen and
 * compared before training. Computed with the trainer's own `learningRateAt`.
 */
import { learningRateAt, type TrainingConfig } from '../../../engine/graph/training';

/** Past this many epochs the bars are evenly sampled: thinner than a pixel they would not show. */
const MAX_BARS = 60;
/** The viewBox; the drawing stretches to the panel's width. */
const WIDTH = 240;
const HEIGHT = 44;

const fmt = (lr: number) => (lr === 0 ? '0' : lr >= 0.001 && lr < 1000 ? String(+lr.toPrecision(3)) : lr.toExponential(2));

export function SchedulePreview({ config }: { config: TrainingConfig }) {
  const epochs = config.epochs;
  const shown = Array.from({ length: Math.min(epochs, MAX_BARS) }, (_, i) =>
    epochs <= MAX_BARS ? i : Math.round((i * (epochs - 1)) / (MAX_BARS - 1)),
  );
  const rates = shown.map((epoch) => ({ epoch, lr: learningRateAt(config, epoch) }));
  const top = Math.max(...rates.map((r) => r.lr), Number.MIN_VALUE);
  const slot = WIDTH / rates.length;
  const first = rates[0]!.lr;
  const last = rates.at(-1)!.lr;
  return (
    <figure className="schedule-preview" data-testid="schedule-preview">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`learning rate by epoch, ${fmt(first)} to ${fmt(last)}`}
      >
        {rates.map(({ epoch, lr }, i) => {
          // Never quite zero height, so that a decayed epoch still shows where it is.
          const h = Math.max(1, (lr / top) * HEIGHT);
          return (
            <rect key={epoch} x={i * slot + 0.5} y={HEIGHT - h} width={Math.max(1, slot - 1)} height={h} data-lr={lr}>
              <title>{`epoch ${epoch + 1}: learning rate ${fmt(lr)}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="field-help">
        Learning rate by epoch: {epochs === 1 ? fmt(first) : `${fmt(first)} in epoch 1 → ${fmt(last)} in epoch ${epochs}`}
      </figcaption>
    </figure>
  );
}
