/**
 * Graph → code and model files for PyTorch, Keras 3, TensorFlow.js (TypeScript) and ONNX.
 * Each target reads the checker's result (order, resolved params, input ports, shapes); a graph
 * with errors is refused with the checker's messages (ExportError.diagnostics).
 *
 * @example
 *   const { files } = exportGraph(doc, 'pytorch');
 *   for (const f of files) writeFileSync(join(out, f.name), f.text, f.encoding ?? 'utf8');
 */
import type { GraphDoc } from '../graph/types';
import { exportKeras } from './keras';
import { exportOnnx } from './onnx';
import { ExportError, planExport, type ExportPlan } from './plan';
import { exportPytorch } from './pytorch';
import { exportTfjs } from './tfjs';
import type { ExportOptions, ExportResult, ExportTarget } from './types';
import { checkWeightsFit, initialWeights, withGraphDefinedWeights } from './weights';

export { ExportError } from './plan';
export { EXPORT_TARGETS, type ExportOptions, type ExportResult, type ExportTarget, type ExportedFile } from './types';
export { initialWeights, serializeWeights, type WeightsFile } from './weights';

type Exporter = (plan: ExportPlan, opts: ExportOptions & { weights: NonNullable<ExportOptions['weights']> }) => ExportResult;

const EXPORTERS: Record<ExportTarget, Exporter> = {
  pytorch: exportPytorch,
  keras: exportKeras,
  tfjs: exportTfjs,
  onnx: exportOnnx,
};

export function exportGraph(doc: GraphDoc, target: ExportTarget, opts: ExportOptions = {}): ExportResult {
  if (!Object.prototype.hasOwnProperty.call(EXPORTERS, target)) {
    throw new ExportError(`unknown export target "${String(target)}"; choose one of ${Object.keys(EXPORTERS).join(', ')}`);
  }
  const plan = planExport(doc);
  const seed = opts.seed ?? (typeof doc.training?.seed === 'number' ? doc.training.seed : 42);
  const weights = opts.weights ?? initialWeights(plan, seed);
  checkWeightsFit(plan, weights);
  // The READMEs say which weights weights.json holds: a caller that knows their run says so.
  const weightsNote =
    opts.weightsNote ??
    (opts.weights
      ? 'weights.json holds the weights this export was given (a checkpoint).'
      : 'weights.json holds initial weights (seeded He-normal, untrained).');
  return EXPORTERS[target](plan, { ...opts, weights: withGraphDefinedWeights(plan, weights), weightsNote });
}
