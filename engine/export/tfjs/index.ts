/** TensorFlow.js target: model.ts (layers API, channels-last), train.ts (Node), weights.json. */
import type { ExportPlan } from '../plan';
import type { ExportOptions, ExportResult } from '../types';
import { serializeWeights, type WeightsFile } from '../weights';
import { emitTfjsModel } from './model';
import { emitTfjsTrainScript } from './train-script';

export function exportTfjs(plan: ExportPlan, opts: ExportOptions & { weights: WeightsFile }): ExportResult {
  return {
    files: [
      { name: 'model.ts', text: emitTfjsModel(plan) },
      { name: 'train.ts', text: emitTfjsTrainScript(plan, opts) },
      { name: 'weights.json', text: serializeWeights(opts.weights, plan.doc.name) },
    ],
  };
}
