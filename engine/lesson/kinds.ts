/**
 * The check kinds a lesson can use, as data: which fields each needs, which it may take, and
 * whether it needs a training run. The schema validates lessons from this table and the
 * instructor's "Add check" form shows its fields from it, so the two cannot disagree.
 */

/** Fields a check may carry besides `id`, `text`, `points` and `kind`. */
export const CHECK_FIELDS = ['node', 'from', 'to', 'through', 'avoid', 'type', 'min', 'max', 'field', 'value'] as const;
export type CheckField = (typeof CHECK_FIELDS)[number];

export interface CheckKindSpec {
  /** A short name for menus. */
  readonly label: string;
  /** What it measures, one sentence (the form's help text). */
  readonly doc: string;
  /** Marked from a training run with the lesson's settings, not from the graph alone. */
  readonly trained: boolean;
  readonly needs: readonly CheckField[];
  readonly optional: readonly CheckField[];
  /** `min`/`max`: 'required' (at least one of them), 'optional', or not taken. */
  readonly bounds: 'required' | 'optional' | 'none';
  /** How a bound is shown: a count, a fraction shown as a percentage, a plain number. */
  readonly unit?: 'count' | 'percent' | 'number';
}

const structural = (spec: Omit<CheckKindSpec, 'trained'>): CheckKindSpec => ({ ...spec, trained: false });
const trained = (spec: Omit<CheckKindSpec, 'trained'>): CheckKindSpec => ({ ...spec, trained: true });

export const CHECK_KINDS = {
  valid: structural({
    label: 'No errors',
    doc: 'The graph checks with no errors (warnings allowed).',
    needs: [],
    optional: [],
    bounds: 'none',
  }),
  receptiveField: structural({
    label: 'Receptive field',
    doc: 'How many input pixels one unit of `node` sees (its receptive field), as the smaller of height and width.',
    needs: ['node'],
    optional: [],
    bounds: 'required',
    unit: 'count',
  }),
  params: structural({
    label: 'Parameters',
    doc: 'Trainable parameters of the whole graph, or of `node`.',
    needs: [],
    optional: ['node'],
    bounds: 'required',
    unit: 'count',
  }),
  macs: structural({
    label: 'Multiply-accumulates',
    doc: 'Multiply-accumulates per sample of the whole graph, or of `node`.',
    needs: [],
    optional: ['node'],
    bounds: 'required',
    unit: 'count',
  }),
  activations: structural({
    label: 'Activations',
    doc: 'Output values per sample of the whole graph (summed over nodes), or of `node`.',
    needs: [],
    optional: ['node'],
    bounds: 'required',
    unit: 'count',
  }),
  count: structural({
    label: 'Node count',
    doc: 'How many nodes of layer type `type` the graph has.',
    needs: ['type'],
    optional: [],
    bounds: 'required',
    unit: 'count',
  }),
  outputShape: structural({
    label: 'Output shape',
    doc: 'The output shape of `node` (default: the graph’s output) equals `value`, e.g. [28, 28, null] (null: any size).',
    needs: ['value'],
    optional: ['node'],
    bounds: 'none',
  }),
  path: structural({
    label: 'Path',
    doc: 'A path leads from `from` to `to` through a node of type `through`, passing no node of the types in `avoid` (e.g. a skip).',
    needs: ['from', 'to'],
    optional: ['through', 'avoid'],
    bounds: 'none',
  }),
  layerWeightDecay: structural({
    label: 'Layer weight decay λ_l',
    doc: 'The L2 strength λ_l of `node` (default: of every layer with weights): its `training.layerWeightDecay`, else `training.weightDecay`.',
    needs: [],
    optional: ['node'],
    bounds: 'required',
    unit: 'number',
  }),
  training: structural({
    label: 'Training setting',
    doc: 'A training field (`field`, e.g. "momentum" or "schedule.type") equals `value` (or one of a list of values), or lies within min/max.',
    needs: ['field'],
    optional: ['value'],
    bounds: 'optional',
    unit: 'number',
  }),
  testAccuracy: trained({
    label: 'Test accuracy',
    doc: 'Accuracy on the test set after training with the lesson’s settings (a fraction: 0.97 is 97%).',
    needs: [],
    optional: [],
    bounds: 'required',
    unit: 'percent',
  }),
  trainLoss: trained({
    label: 'Training loss',
    doc: 'The training loss of the last epoch, after training with the lesson’s settings.',
    needs: [],
    optional: [],
    bounds: 'required',
    unit: 'number',
  }),
  gradientRatio: trained({
    label: 'Gradient ratio',
    doc: 'The first layer’s weight-gradient norm divided by the last layer’s, averaged over the first epoch (`from`/`to` choose other layers).',
    needs: [],
    optional: ['from', 'to'],
    bounds: 'required',
    unit: 'number',
  }),
  accuracyGap: trained({
    label: 'Train–test gap',
    doc: 'Training accuracy of the last epoch minus test accuracy (a fraction: 0.05 is 5 points): how much the net overfits.',
    needs: [],
    optional: [],
    bounds: 'required',
    unit: 'percent',
  }),
} as const satisfies Record<string, CheckKindSpec>;

export type CheckKind = keyof typeof CHECK_KINDS;
export const CHECK_KIND_NAMES = Object.keys(CHECK_KINDS) as CheckKind[];

export function isCheckKind(kind: unknown): kind is CheckKind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(CHECK_KINDS, kind);
}

export function isTrainedKind(kind: string): boolean {
  return isCheckKind(kind) && CHECK_KINDS[kind].trained;
}
