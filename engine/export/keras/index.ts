/**
 * Keras 3 target: model.py (functional API), train.py (model.fit), weights.json, README.md.
 * Cannot be run in NetCanvas's own test environment (no TensorFlow/Keras there): it is tested
 * structurally, while the PyTorch, TensorFlow.js and ONNX exports are tested numerically.
 */
import type { ExportPlan } from '../plan';
import type { ExportOptions, ExportResult } from '../types';
import { serializeWeights, type WeightsFile } from '../weights';
import { emitKerasModel } from './model';
import { emitKerasTrainScript } from './train-script';

const README = (name: string, weightsNote = 'weights.json holds the weights given to the exporter.') => `# ${name} — Keras 3 export

Exported from NetCanvas. ${weightsNote}

- \`model.py\`: \`build_model()\` returns \`(model, logits_model)\` built with the functional API, channels-last
  exactly like NetCanvas, so \`load_netcanvas_weights\` sets the app's weights without converting them.
- \`train.py\`: \`model.fit\` with the graph's optimizer, schedule (LearningRateScheduler) and per-layer L2
  (kernel regularizers); one JSON event per line like the app's trainer. Reads IDX folders and CSV files.

Two small custom layers keep it numerically identical to the app: \`ResizeBilinearTF\` (Keras's bilinear
UpSampling2D uses half-pixel centres, the app does not) and \`NegInfPadding2D\` (explicit max-pool padding).

This export was checked structurally only: NetCanvas's test environment has no TensorFlow or Keras. The
PyTorch, TensorFlow.js and ONNX exports are proven numerically equal to the app.
`;

export function exportKeras(plan: ExportPlan, opts: ExportOptions & { weights: WeightsFile }): ExportResult {
  return {
    files: [
      { name: 'model.py', text: emitKerasModel(plan) },
      { name: 'train.py', text: emitKerasTrainScript(plan, opts) },
      { name: 'weights.json', text: serializeWeights(opts.weights, plan.doc.name) },
      { name: 'README.md', text: README(plan.doc.name, opts.weightsNote) },
    ],
  };
}
