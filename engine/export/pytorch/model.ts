/**
 * Writes `model.py`: the graph as an `nn.Module` (channels-first), plus the loader that converts
 * a netcanvas.weights file (the app's channels-last layouts) into it and the saver that converts back.
 */
import { denseInputSegments } from '../geometry';
import { frozenStep, liveSteps, type ExportPlan } from '../plan';
import { className, indent, pyString } from '../python';
import { PYTORCH_EMITTERS, type PyHelper } from './emitters';
import { nodeLayerEntry, WEIGHT_IO } from './weight-map';
import { exportTask } from '../task-script';

const HELPERS: Record<PyHelper, string[]> = {
  resize_bilinear_tf: [
    'def resize_bilinear_tf(x, scale):',
    '    """Bilinear upsampling as TensorFlow\'s resizeBilinear(alignCorners=False, halfPixelCenters=False),',
    "    which the app's UpSampling2D uses: output pixel i reads input position i / scale, with no",
    '    half-pixel shift. F.interpolate(mode="bilinear", align_corners=False) uses half-pixel centres',
    '    and would give different numbers."""',
    '    def axis(size, factor):',
    '        source = torch.arange(size * factor, device=x.device, dtype=x.dtype) / factor',
    '        low = source.floor().long().clamp(max=size - 1)',
    '        high = (low + 1).clamp(max=size - 1)',
    '        return low, high, source - low.to(x.dtype)',
    '',
    '    top, bottom, fy = axis(x.shape[2], scale[0])',
    '    left, right, fx = axis(x.shape[3], scale[1])',
    '    fy = fy.view(1, 1, -1, 1)',
    '    fx = fx.view(1, 1, 1, -1)',
    '    rows = x[:, :, top] + (x[:, :, bottom] - x[:, :, top]) * fy',
    '    return rows[:, :, :, left] + (rows[:, :, :, right] - rows[:, :, :, left]) * fx',
  ],
  avg_pool_same: [
    'def avg_pool_same(x, kernel_size, stride, pads):',
    '    """Average pooling with TensorFlow\'s asymmetric "same" padding: each window averages only',
    '    the real pixels it covers (padding is not counted)."""',
    '    total = F.avg_pool2d(F.pad(x, pads), kernel_size, stride)',
    '    ones = torch.ones_like(x[:, :1])',
    '    share = F.avg_pool2d(F.pad(ones, pads), kernel_size, stride)',
    '    return total / share',
  ],
};

/** The Python class name of the exported model. */
export const pytorchClassName = (plan: ExportPlan) => className(plan.doc.name);

export function emitPytorchModel(plan: ExportPlan): string {
  const steps = liveSteps(plan);
  const varOf = new Map(steps.map((s) => [s.id, s.type === 'input' ? 'x' : s.name]));
  const init: string[] = [];
  const forward: string[] = [];
  const helpers = new Set<PyHelper>();
  // The final softmax (or, for reconstruction, sigmoid) that the task's loss folds in.
  const folded = exportTask(plan).foldedActivation;
  for (const step of steps) {
    const self = `self.${step.name}`;
    const code = PYTORCH_EMITTERS[step.type](step, self);
    if (code.module) init.push(`${self} = ${code.module}`);
    for (const h of code.helpers ?? []) helpers.add(h);
    const inputs = step.inputs.map((id) => varOf.get(id)!);
    if (step === plan.output && step.type === folded) forward.push('if return_logits:', `    return ${inputs[0]}`);
    forward.push(...code.forward(inputs, varOf.get(step.id)!));
  }
  forward.push(`return ${varOf.get(plan.output.id)}`);
  // Frozen nodes (the graph's `trainable: false`, hand-set kernels): no gradient, so no optimizer state either.
  const frozen = steps.filter(frozenStep);
  if (frozen.length > 0) init.push('# Frozen in the graph: training leaves these weights as they are.');
  for (const step of frozen) init.push(`self.${step.name}.requires_grad_(False)`);
  // A frozen batch norm is a fixed function, as in the app and Keras: its running statistics, never the batch's.
  const frozenNorms = frozen.filter((s) => s.type === 'batchNorm').map((s) => `self.${s.name}`);
  const train = frozenNorms.length
    ? [
        '',
        'def train(self, mode=True):',
        '    """Frozen batch norms stay in eval mode: they normalise with their running statistics and keep them."""',
        '    super().train(mode)',
        `    for m in (${frozenNorms.join(', ')},):`,
        '        m.eval()',
        '    return self',
      ]
    : [];

  const inShape = plan.input.outputShape;
  const chw = inShape.length === 3 ? [inShape[2], inShape[0], inShape[1]] : inShape;
  const segments = denseInputSegments(plan);
  const name = pytorchClassName(plan);
  const lines = [
    `"""${plan.doc.name}: exported from NetCanvas as a PyTorch nn.Module (channels-first, NCHW).`,
    '',
    'Input: a float tensor [batch, ' + (inShape.length === 3 ? `${chw.join(', ')}] (channels, height, width)` : `${inShape[0]}]`) + '.',
    'Weights: load_netcanvas_weights() reads a NetCanvas checkpoint (channels-last) and converts layouts.',
    '"""',
    'import base64',
    'import json',
    'import os',
    'import tempfile',
    'import time',
    '',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    `# One sample, as PyTorch sees it (the app's shape is [${inShape.join(', ')}], channels-last).`,
    `INPUT_SHAPE = (${chw.join(', ')}${chw.length === 1 ? ',' : ''})`,
    `GRAPH_NAME = ${pyString(plan.doc.name)}`,
    `OUTPUT_IS_PROBABILITIES = ${plan.output.type === 'softmax' ? 'True' : 'False'}`,
    '',
    '# Layers with weights: node id in the graph -> (attribute, [(role in the checkpoint, tensor attribute, layout)]).',
    'NODE_LAYERS = {',
    ...steps.filter((s) => s.weights.length > 0).map((s) => `    ${nodeLayerEntry(s)}`),
    '}',
    '',
    '# Dense layers fed by a flatten: where their input rows came from ([H, W, C] images, [N] features).',
    segments.size === 0 ? 'FLATTENED_INPUTS = {}' : 'FLATTENED_INPUTS = {',
    ...[...segments].map(
      ([id, segs]) =>
        `    ${pyString(id)}: [${segs.map((s) => ('image' in s ? `(${s.image.join(', ')})` : `(${s.features},)`)).join(', ')}],`,
    ),
    ...(segments.size === 0 ? [] : ['}']),
    '',
  ];
  for (const h of helpers) lines.push('', ...HELPERS[h], '', '');
  lines.push(
    '',
    `class ${name}(nn.Module):`,
    ...indent([
      'def __init__(self):',
      '    super().__init__()',
      ...indent(init.length ? init : ['pass']),
      '',
      'def forward(self, x, return_logits=False):',
      ...(folded ? [`    """return_logits=True skips the final ${folded} (the training loss folds it in, which is stable)."""`] : []),
      ...indent(forward),
      ...train,
    ]),
    '',
    '',
    ...WEIGHT_IO,
    '',
  );
  return lines.join('\n');
}
