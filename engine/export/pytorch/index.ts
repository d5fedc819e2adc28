/** PyTorch target: model.py (nn.Module + weight conversion), train.py, weights.json, README.md. */
import type { ExportPlan } from '../plan';
import type { ExportOptions, ExportResult } from '../types';
import { serializeWeights, type WeightsFile } from '../weights';
import { emitPytorchModel } from './model';
import { emitPytorchReadme } from './readme';
import { emitPytorchTrainScript } from './train-script';

export function exportPytorch(plan: ExportPlan, opts: ExportOptions & { weights: WeightsFile }): ExportResult {
  return {
    files: [
      { name: 'model.py', text: emitPytorchModel(plan) },
      { name: 'train.py', text: emitPytorchTrainScript(plan, opts) },
      { name: 'weights.json', text: serializeWeights(opts.weights, plan.doc.name) },
      { name: 'README.md', text: emitPytorchReadme(plan, opts.weightsNote) },
    ],
  };
}
