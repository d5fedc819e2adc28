/**
 * Writes `model.py`: the graph as an `nn.Module` (channels-first), plus the loader that converts
 * a netcanvas.weights file (the app's channels-last layouts) into it and the saver that converts back.
 */
import { denseInputSegments } from '../geometry';
import { liveSteps, type ExportPlan } from '../plan';
import { className, indent, pyString } from '../python';
import { PYTORCH_EMITTERS, type PyHelper } from './emitters';

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

const WEIGHT_IO = [
  'def read_checkpoint(path):',
  '    """{node id: {role: tensor}} from a NetCanvas checkpoint ("netcanvas.weights": base64 little-endian float32)."""',
  '    with open(path) as f:',
  '        saved = json.load(f)',
  '    if saved.get("format") != "netcanvas.weights" or saved.get("version") != 1:',
  '        raise ValueError(f"{path} is not a NetCanvas checkpoint (netcanvas.weights, version 1)")',
  '    decode = lambda w: torch.frombuffer(bytearray(base64.b64decode(w["data"])), dtype=torch.float32).reshape(w["shape"])',
  '    return {node: {w["name"]: decode(w) for w in tensors} for node, tensors in saved["layers"].items()}',
  '',
  '',
  'def _hwc_rows_to_chw(segments, rows):',
  '    """Row order of a dense kernel fed by a flatten: the app flattens [H, W, C] channels-last,',
  '    PyTorch flattens [C, H, W]. Returns, for each PyTorch input position, the app\'s row."""',
  '    if not segments:',
  '        return torch.arange(rows)',
  '    order, offset = [], 0',
  '    for segment in segments:',
  '        if len(segment) == 3:',
  '            h, w, c = segment',
  '            order.append(torch.arange(h * w * c).reshape(h, w, c).permute(2, 0, 1).reshape(-1) + offset)',
  '            offset += h * w * c',
  '        else:',
  '            order.append(torch.arange(segment[0]) + offset)',
  '            offset += segment[0]',
  '    return torch.cat(order)',
  '',
  '',
  'def load_netcanvas_weights(model, path):',
  '    """Loads a NetCanvas checkpoint (the app\'s channels-last tfjs layouts) into `model`:',
  '    conv kernels HWIO -> OIHW, dense kernels [in, out] -> [out, in] with rows reordered after a',
  '    flatten, batch-norm gamma/beta/moving statistics -> weight/bias/running_mean/running_var."""',
  '    layers = read_checkpoint(path)',
  '    with torch.no_grad():',
  '        for node_id, (attr, kind) in NODE_LAYERS.items():',
  '            if node_id not in layers:',
  '                raise KeyError(f"{path} has no weights for node {node_id}")',
  '            w, module = layers[node_id], getattr(model, attr)',
  '            if kind == "conv2d":',
  '                module.weight.copy_(w["kernel"].permute(3, 2, 0, 1))',
  '            elif kind == "dense":',
  '                order = _hwc_rows_to_chw(FLATTENED_INPUTS.get(node_id), w["kernel"].shape[0])',
  '                module.weight.copy_(w["kernel"][order].t())',
  '            else:',
  '                module.weight.copy_(w["gamma"])',
  '                module.bias.copy_(w["beta"])',
  '                module.running_mean.copy_(w["moving_mean"])',
  '                module.running_var.copy_(w["moving_variance"])',
  '                continue',
  '            if module.bias is not None:',
  '                module.bias.copy_(w["bias"])',
  '',
  '',
  'def save_netcanvas_weights(model, path):',
  '    """The inverse of load_netcanvas_weights: a checkpoint in the app\'s layouts, which the app can load."""',
  '    def entry(name, t):',
  '        t = t.detach().cpu().float().contiguous()',
  '        data = base64.b64encode(t.numpy().astype("<f4").tobytes()).decode("ascii")',
  '        return {"name": name, "shape": list(t.shape), "dtype": "float32", "data": data}',
  '',
  '    layers = {}',
  '    for node_id, (attr, kind) in NODE_LAYERS.items():',
  '        module = getattr(model, attr)',
  '        if kind == "conv2d":',
  '            out = [entry("kernel", module.weight.permute(2, 3, 1, 0))]',
  '        elif kind == "dense":',
  '            order = _hwc_rows_to_chw(FLATTENED_INPUTS.get(node_id), module.weight.shape[1])',
  '            kernel = torch.empty_like(module.weight.t())',
  '            kernel[order] = module.weight.t()',
  '            out = [entry("kernel", kernel)]',
  '        else:',
  '            out = [entry("gamma", module.weight), entry("beta", module.bias),',
  '                   entry("moving_mean", module.running_mean), entry("moving_variance", module.running_var)]',
  '        if kind != "batchNorm" and module.bias is not None:',
  '            out.append(entry("bias", module.bias))',
  '        layers[node_id] = out',
  '    with open(path, "w") as f:',
  '        json.dump({"format": "netcanvas.weights", "version": 1, "graphName": GRAPH_NAME,',
  '                   "savedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "layers": layers}, f)',
];

/** The Python class name of the exported model. */
export const pytorchClassName = (plan: ExportPlan) => className(plan.doc.name);

export function emitPytorchModel(plan: ExportPlan): string {
  const steps = liveSteps(plan);
  const varOf = new Map(steps.map((s) => [s.id, s.type === 'input' ? 'x' : s.name]));
  const init: string[] = [];
  const forward: string[] = [];
  const helpers = new Set<PyHelper>();
  const stateful: [string, string, string][] = [];
  for (const step of steps) {
    const self = `self.${step.name}`;
    const code = PYTORCH_EMITTERS[step.type](step, self);
    if (code.module) init.push(`${self} = ${code.module}`);
    for (const h of code.helpers ?? []) helpers.add(h);
    if (step.type === 'conv2d' || step.type === 'dense' || step.type === 'batchNorm') stateful.push([step.id, step.name, step.type]);
    const inputs = step.inputs.map((id) => varOf.get(id)!);
    if (step === plan.output && step.type === 'softmax') forward.push('if return_logits:', `    return ${inputs[0]}`);
    forward.push(...code.forward(inputs, varOf.get(step.id)!));
  }
  forward.push(`return ${varOf.get(plan.output.id)}`);

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
    '# Layers with weights: node id in the graph -> (attribute, layer type).',
    'NODE_LAYERS = {',
    ...stateful.map(([id, attr, type]) => `    ${pyString(id)}: (${pyString(attr)}, ${pyString(type)}),`),
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
      ...(plan.output.type === 'softmax'
        ? ['    """return_logits=True skips the final softmax (for a stable cross-entropy loss)."""']
        : []),
      ...indent(forward),
    ]),
    '',
    '',
    ...WEIGHT_IO,
    '',
  );
  return lines.join('\n');
}
