/**
 * Writes `model.ts`: `buildModel()` with the @tensorflow/tfjs layers API (the same layers as the
 * app, channels-last) and `loadWeights()` for a NetCanvas checkpoint, whose layouts are tfjs's own.
 */
import { frozenStep, liveSteps, type ExportPlan } from '../plan';
import { TFJS_EMITTERS } from './emitters';
import { exportTask } from '../task-script';

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const NEG_INF_PADDING = [
  '/** Pads height and width with −∞, so explicit max-pool padding never wins over a real pixel. */',
  'class NegInfPadding2D extends tf.layers.Layer {',
  "  static className = 'NetCanvasNegInfPadding2D';",
  '  private readonly pad: number;',
  '  constructor(config: { pad: number; name: string }) {',
  '    super({ name: config.name });',
  '    this.pad = config.pad;',
  '  }',
  '  override computeOutputShape(s: tf.Shape): tf.Shape {',
  '    const grow = (d: number | null) => (d === null ? null : d + 2 * this.pad);',
  '    return [s[0] ?? null, grow(s[1] ?? null), grow(s[2] ?? null), s[3] ?? null];',
  '  }',
  '  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {',
  '    const x = Array.isArray(inputs) ? inputs[0]! : inputs;',
  '    const p = this.pad;',
  '    return tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], -Infinity);',
  '  }',
  '  override getConfig() {',
  '    return { ...super.getConfig(), pad: this.pad };',
  '  }',
  '}',
  'tf.serialization.registerClass(NegInfPadding2D);',
  '',
];

export function emitTfjsModel(plan: ExportPlan): string {
  const steps = liveSteps(plan);
  const vars = new Map(steps.map((s) => [s.id, camel(s.name)]));
  const body: string[] = [];
  let negInf = false;
  const weighted: [string, string, string[]][] = [];
  for (const step of steps) {
    const code = TFJS_EMITTERS[step.type]({
      step,
      inputs: step.inputs.map((id) => vars.get(id)!),
      out: vars.get(step.id)!,
      layer: step.name,
    });
    negInf ||= code.needsNegInfPadding === true;
    body.push(...code.lines);
    // The checkpoint's layouts are tfjs's own: the registry's roles, in order, are the layer's weights.
    if (step.weights.length > 0) weighted.push([step.id, step.name, step.weights.map((w) => w.role)]);
  }
  const output = vars.get(plan.output.id)!;
  // The scores the training loss reads stop before the final softmax (or, for reconstruction, sigmoid) that it folds in.
  const folded = exportTask(plan).foldedActivation;
  const endsInSoftmax = plan.output.type === 'softmax';
  const logits = folded ? vars.get(plan.output.inputs[0]!)! : output;
  return [
    `/**`,
    ` * ${plan.doc.name}: exported from NetCanvas as a TensorFlow.js model (channels-last, like the app).`,
    ` * Input: [batch, ${plan.input.outputShape.join(', ')}]. Weights: a NetCanvas checkpoint (netcanvas.weights), loaded as is.`,
    ` */`,
    "import * as tf from '@tensorflow/tfjs';",
    '',
    `export const INPUT_SHAPE = [${plan.input.outputShape.join(', ')}];`,
    `export const ENDS_IN_SOFTMAX = ${endsInSoftmax};`,
    '/** The final layer `logitsModel` stops before (the training loss folds it in), or null. */',
    `export const FOLDED_ACTIVATION: 'softmax' | 'sigmoid' | null = ${folded ? `'${folded}'` : 'null'};`,
    `export const GRAPH_NAME = ${JSON.stringify(plan.doc.name)};`,
    '',
    '/** Layers with weights: node id in the graph → [tfjs layer name, weight names in tfjs order]. */',
    'export const NODE_LAYERS: Record<string, [string, string[]]> = {',
    ...weighted.map(
      ([id, name, names]) => `  ${JSON.stringify(id)}: [${JSON.stringify(name)}, ${JSON.stringify(names).replace(/,/g, ', ')}],`,
    ),
    '};',
    '',
    ...(negInf ? NEG_INF_PADDING : []),
    'const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;',
    '',
    "/** `model` gives the graph's output; `logitsModel` shares its layers and stops before a final softmax (or a reconstruction's sigmoid), for the training loss. */",
    'export function buildModel(): { model: tf.LayersModel; logitsModel: tf.LayersModel } {',
    ...body.map((l) => `  ${l}`),
    `  const model = tf.model({ inputs: ${vars.get(plan.input.id)}, outputs: ${output} });`,
    `  const logitsModel = ${folded ? `tf.model({ inputs: ${vars.get(plan.input.id)}, outputs: ${logits} })` : 'model'};`,
    ...steps.filter(frozenStep).map((s) => `  model.getLayer(${JSON.stringify(s.name)}).trainable = false; // frozen in the graph`),
    '  return { model, logitsModel };',
    '}',
    '',
    '/** A NetCanvas checkpoint: per node id, its tensors as base64 little-endian float32. */',
    'export interface Checkpoint {',
    "  format: 'netcanvas.weights';",
    '  version: 1;',
    '  graphName: string;',
    '  savedAt: string;',
    "  layers: Record<string, { name: string; shape: number[]; dtype: 'float32'; data: string }[]>;",
    '}',
    '',
    "/** Sets every layer's weights from a checkpoint (same layouts as tfjs: nothing to convert). */",
    'export function loadWeights(model: tf.LayersModel, checkpoint: Checkpoint): void {',
    '  for (const [nodeId, [layerName, names]] of Object.entries(NODE_LAYERS)) {',
    '    const saved = checkpoint.layers[nodeId];',
    '    if (!saved) throw new Error(`the checkpoint has no weights for node ${nodeId}`);',
    '    const tensors = names.map((n) => {',
    '      const w = saved.find((s) => s.name === n);',
    '      if (!w) throw new Error(`the checkpoint has no ${n} for node ${nodeId}`);',
    '      const bytes = Uint8Array.from(atob(w.data), (c) => c.charCodeAt(0));',
    '      return tf.tensor(new Float32Array(bytes.buffer), w.shape);',
    '    });',
    '    model.getLayer(layerName).setWeights(tensors);',
    '    tf.dispose(tensors);',
    '  }',
    '}',
    '',
    '/** The inverse of loadWeights: a checkpoint the app can load. */',
    'export function saveWeights(model: tf.LayersModel): Checkpoint {',
    "  const layers: Checkpoint['layers'] = {};",
    '  for (const [nodeId, [layerName, names]] of Object.entries(NODE_LAYERS)) {',
    '    const values = model.getLayer(layerName).getWeights();',
    '    layers[nodeId] = names.map((name, i) => {',
    '      const data = values[i]!.dataSync() as Float32Array;',
    "      const binary = Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), (b) => String.fromCharCode(b)).join('');",
    "      return { name, shape: values[i]!.shape, dtype: 'float32' as const, data: btoa(binary) };",
    '    });',
    '  }',
    "  return { format: 'netcanvas.weights', version: 1, graphName: GRAPH_NAME, savedAt: new Date().toISOString(), layers };",
    '}',
    '',
  ].join('\n');
}
