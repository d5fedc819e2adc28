/** Writes the Keras 3 `model.py`: `build_model()` (functional API) and the weights loader. */
import { frozenStep, liveSteps, type ExportPlan } from '../plan';
import { indent, pyLiteral, pyNumber, pyString } from '../python';
import { exportTraining } from '../training-config';
import { KERAS_EMITTERS, KERAS_HELPERS, type KerasHelper } from './emitters';
import { exportTask } from '../task-script';

export function emitKerasModel(plan: ExportPlan): string {
  const { decay } = exportTraining(plan);
  const steps = liveSteps(plan);
  const vars = new Map(steps.map((s) => [s.id, s.type === 'input' ? 'inputs' : s.name]));
  const body: string[] = [];
  const helpers = new Set<KerasHelper>();
  const weighted: [string, string, string[]][] = [];
  for (const step of steps) {
    const l2 = decay.get(step.id);
    const code = KERAS_EMITTERS[step.type]({
      step,
      inputs: step.inputs.map((id) => vars.get(id)!),
      out: vars.get(step.id)!,
      layer: step.name,
      // Keras names each weight's regularizer after the weight: kernel_regularizer, bias_regularizer…
      regularizers: [
        ...(l2 ? l2.roles.map((role) => `${role}_regularizer=regularizers.L2(${pyNumber(l2.lambda)})`) : []),
        // A frozen node: Keras neither trains it nor (batch norm) uses the batch's statistics.
        ...(frozenStep(step) ? ['trainable=False'] : []),
      ],
    });
    body.push(...code.lines);
    for (const h of code.helpers ?? []) helpers.add(h);
    // Keras names the weights as tfjs does, in the same order: the registry's roles, unchanged.
    if (step.weights.length > 0) weighted.push([step.id, step.name, step.weights.map((w) => w.role)]);
  }
  // The scores the training loss reads stop before the final softmax (or, for reconstruction, sigmoid) that it folds in.
  const folded = exportTask(plan).foldedActivation;
  const output = vars.get(plan.output.id)!;
  const logits = folded ? vars.get(plan.output.inputs[0]!)! : output;
  return [
    `"""${plan.doc.name}: exported from NetCanvas as a Keras 3 model (functional API, channels-last like the app).`,
    '',
    `Input: [batch, ${plan.input.outputShape.join(', ')}]. Weights: load_netcanvas_weights() reads the app's`,
    "checkpoint (netcanvas.weights); the layouts are the same as Keras's, so nothing is converted.",
    '"""',
    'import base64',
    'import json',
    'import time',
    '',
    'import keras',
    'import numpy as np',
    'from keras import layers, ops, regularizers',
    '',
    `GRAPH_NAME = ${pyString(plan.doc.name)}`,
    `INPUT_SHAPE = (${plan.input.outputShape.join(', ')}${plan.input.outputShape.length === 1 ? ',' : ''})`,
    '',
    '# Layers with weights: node id in the graph -> (Keras layer name, weight names in Keras order).',
    `NODE_LAYERS = ${pyLiteral(Object.fromEntries(weighted.map(([id, name, names]) => [id, [name, names]])))}`,
    '',
    ...[...helpers].flatMap((h) => ['', ...KERAS_HELPERS[h], '']),
    '',
    'def build_model():',
    '    """Returns (model, logits_model): the second shares the layers and stops before the final softmax (or a reconstruction\'s sigmoid) the loss folds in."""',
    ...indent(body),
    `    model = keras.Model(inputs, ${output}, name=${pyString(plan.doc.name.replace(/[^A-Za-z0-9_]+/g, '_'))})`,
    `    logits_model = ${folded ? `keras.Model(inputs, ${logits})` : 'model'}`,
    '    return model, logits_model',
    '',
    '',
    'def load_netcanvas_weights(model, path):',
    '    """Sets each layer\'s weights from a NetCanvas checkpoint (base64 float32, same layouts as Keras)."""',
    '    with open(path) as f:',
    '        saved = json.load(f)["layers"]',
    '    for node_id, (layer_name, names) in NODE_LAYERS.items():',
    '        tensors = {w["name"]: np.frombuffer(base64.b64decode(w["data"]), dtype="<f4").reshape(w["shape"]) for w in saved[node_id]}',
    '        model.get_layer(layer_name).set_weights([tensors[n] for n in names])',
    '',
    '',
    'def save_netcanvas_weights(model, path):',
    '    layers_out = {}',
    '    for node_id, (layer_name, names) in NODE_LAYERS.items():',
    '        values = model.get_layer(layer_name).get_weights()',
    '        layers_out[node_id] = [{"name": n, "shape": list(v.shape), "dtype": "float32",',
    '                                "data": base64.b64encode(np.asarray(v, dtype="<f4").tobytes()).decode("ascii")} for n, v in zip(names, values)]',
    '    with open(path, "w") as f:',
    '        json.dump({"format": "netcanvas.weights", "version": 1, "graphName": GRAPH_NAME,',
    '                   "savedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "layers": layers_out}, f)',
    '',
  ].join('\n');
}
