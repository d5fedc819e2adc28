/**
 * ONNX target: `model.onnx` (opset 13) with the given or initial weights.
 *
 * Layout: the model's input is NHWC ([batch, H, W, C]), exactly what the app feeds its own model;
 * a Transpose right after the input turns it into NCHW for ONNX's Conv and pooling ops. Image-shaped
 * outputs are transposed back, so outputs are NHWC too. Flatten transposes to NHWC before
 * flattening, so dense kernels keep the app's row order.
 */
import { bytesToBase64 } from '../base64';
import { liveSteps, type ExportPlan } from '../plan';
import type { ExportOptions, ExportResult } from '../types';
import type { WeightsFile } from '../weights';
import type { WeightRole } from '../../layers/spec';
import { weightEntry } from '../../layers/registry';
import { ONNX_EMITTERS, ONNX_WEIGHTS, onnxTensor, type OnnxEmitContext, type OnnxEmitter } from './emitters';
import { encodeModel, type OnnxGraph } from './model-proto';

export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

export function buildOnnxGraph(plan: ExportPlan, weights: WeightsFile): OnnxGraph {
  const graph: OnnxGraph = {
    name: plan.doc.name,
    doc: `Exported from NetCanvas. Input ${ONNX_INPUT}: [batch, ${plan.input.outputShape.join(', ')}] (channels-last, as in the app).`,
    nodes: [],
    initializers: [],
    inputs: [{ name: ONNX_INPUT, shape: ['batch', ...plan.input.outputShape] }],
    outputs: [{ name: ONNX_OUTPUT, shape: ['batch', ...plan.output.outputShape] }],
  };
  const tensorOf = new Map<string, string>();
  const imageInput = plan.input.outputShape.length === 3;
  if (imageInput)
    graph.nodes.push({
      op: 'Transpose',
      inputs: [ONNX_INPUT],
      outputs: ['input_nchw'],
      name: 'input_to_nchw',
      attributes: { perm: [0, 3, 1, 2] },
    });
  tensorOf.set(plan.input.id, imageInput ? 'input_nchw' : ONNX_INPUT);

  const imageOutput = plan.output.outputShape.length === 3;
  for (const step of liveSteps(plan)) {
    if (step.type === 'input') continue;
    const isLast = step === plan.output;
    // Node names are already unique; only the graph's own tensor names need avoiding.
    const own = [ONNX_INPUT, ONNX_OUTPUT, 'input_nchw'].includes(step.name) ? `${step.name}_` : step.name;
    const output = isLast && !imageOutput ? ONNX_OUTPUT : own;
    let count = 0;
    const ctx: OnnxEmitContext = {
      step,
      inputs: step.inputs.map((id) => tensorOf.get(id)!),
      output,
      node(op, inputs, outputs, attributes) {
        graph.nodes.push({ op, inputs, outputs, name: `${step.name}_${op.toLowerCase()}${count++ ? `_${count}` : ''}`, attributes });
      },
      constant(suffix, tensor) {
        const name = `${own}.${suffix}`;
        graph.initializers.push({ name, ...tensor });
        return name;
      },
      weight(role) {
        const tensor = weights.layers[step.id]?.[role];
        const layout = weightEntry(ONNX_WEIGHTS, step.type, role);
        if (!tensor || !layout) return null;
        return ctx.constant(role, onnxTensor(tensor, layout));
      },
    };
    (ONNX_EMITTERS[step.type] as OnnxEmitter<WeightRole>)(ctx);
    tensorOf.set(step.id, output);
  }
  if (imageOutput) {
    graph.nodes.push({
      op: 'Transpose',
      inputs: [tensorOf.get(plan.output.id)!],
      outputs: [ONNX_OUTPUT],
      name: 'output_to_nhwc',
      attributes: { perm: [0, 2, 3, 1] },
    });
  }
  return graph;
}

/** The .onnx bytes, base64 in the returned file (write it with encoding "base64"). */
export function exportOnnx(plan: ExportPlan, opts: ExportOptions & { weights: WeightsFile }): ExportResult {
  const bytes = encodeModel(buildOnnxGraph(plan, opts.weights), '0.1.0');
  return { files: [{ name: 'model.onnx', text: bytesToBase64(bytes), encoding: 'base64' }] };
}
