/**
 * Where each weight a layer keeps (the layer registry's roles, in the app's channels-last layouts)
 * sits in the exported nn.Module, and how its layout converts. `model.py` carries this as
 * NODE_LAYERS (node id → module attribute and its tensors), and one loader and one saver walk it:
 * neither names a layer type.
 */
import { weightEntry, type LayerType, type PerWeightRole } from '../../layers/registry';
import type { Step } from '../plan';
import { pyString } from '../python';

/**
 * `same`: as the app keeps it. `oihw`: a conv kernel, HWIO in the app. `dense`: a dense kernel,
 * [in, out] in the app and [out, in] in PyTorch, with the rows after a flatten reordered from the
 * app's H·W·C order to PyTorch's C·H·W (FLATTENED_INPUTS).
 */
export type TorchLayout = 'same' | 'oihw' | 'dense';

export interface TorchWeight {
  /** The tensor's attribute on the module (`weight`, `running_mean`…). */
  readonly attr: string;
  readonly layout: TorchLayout;
}

/** For every layer type with weights, each role it can carry: a compile error until a new weighted layer is mapped. */
export const TORCH_WEIGHTS: PerWeightRole<TorchWeight> = {
  conv2d: { kernel: { attr: 'weight', layout: 'oihw' }, bias: { attr: 'bias', layout: 'same' } },
  batchNorm: {
    gamma: { attr: 'weight', layout: 'same' },
    beta: { attr: 'bias', layout: 'same' },
    moving_mean: { attr: 'running_mean', layout: 'same' },
    moving_variance: { attr: 'running_var', layout: 'same' },
  },
  dense: { kernel: { attr: 'weight', layout: 'dense' }, bias: { attr: 'bias', layout: 'same' } },
};

/** The module tensor that holds `role` of a step. */
export function torchWeight(type: LayerType, role: string): TorchWeight {
  const mapped = weightEntry(TORCH_WEIGHTS, type, role);
  if (!mapped) throw new Error(`no PyTorch mapping for ${type}'s ${role}`);
  return mapped;
}

/** `"c1": ("c1", [("kernel", "weight", "oihw"), ("bias", "bias", "same")]),` for a step with weights. */
export function nodeLayerEntry(step: Step): string {
  const tensors = step.weights.map(({ role }) => {
    const { attr, layout } = torchWeight(step.type, role);
    return `(${pyString(role)}, ${pyString(attr)}, ${pyString(layout)})`;
  });
  return `${pyString(step.id)}: (${pyString(step.name)}, [${tensors.join(', ')}]),`;
}

export const WEIGHT_IO = [
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
  'def _to_torch(layout, t, node_id):',
  '    """The app\'s layout -> PyTorch\'s: conv kernels HWIO -> OIHW; dense kernels [in, out] -> [out, in],',
  '    with rows after a flatten reordered."""',
  '    if layout == "oihw":',
  '        return t.permute(3, 2, 0, 1)',
  '    if layout == "dense":',
  '        return t[_hwc_rows_to_chw(FLATTENED_INPUTS.get(node_id), t.shape[0])].t()',
  '    return t',
  '',
  '',
  'def _from_torch(layout, t, node_id):',
  '    """The inverse of _to_torch."""',
  '    if layout == "oihw":',
  '        return t.permute(2, 3, 1, 0)',
  '    if layout == "dense":',
  '        order = _hwc_rows_to_chw(FLATTENED_INPUTS.get(node_id), t.shape[1])',
  '        kernel = torch.empty_like(t.t())',
  '        kernel[order] = t.t()',
  '        return kernel',
  '    return t',
  '',
  '',
  'def load_netcanvas_weights(model, path):',
  '    """Loads a NetCanvas checkpoint (the app\'s channels-last tfjs layouts) into `model`:',
  '    conv kernels HWIO -> OIHW, dense kernels [in, out] -> [out, in] with rows reordered after a',
  '    flatten, batch-norm gamma/beta/moving statistics -> weight/bias/running_mean/running_var."""',
  '    layers = read_checkpoint(path)',
  '    with torch.no_grad():',
  '        for node_id, (attr, tensors) in NODE_LAYERS.items():',
  '            if node_id not in layers:',
  '                raise KeyError(f"{path} has no weights for node {node_id}")',
  '            saved, module = layers[node_id], getattr(model, attr)',
  '            for role, name, layout in tensors:',
  '                if role not in saved:',
  '                    raise KeyError(f"{path} has no {role} for node {node_id}")',
  '                getattr(module, name).copy_(_to_torch(layout, saved[role], node_id))',
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
  '    for node_id, (attr, tensors) in NODE_LAYERS.items():',
  '        module = getattr(model, attr)',
  '        layers[node_id] = [entry(role, _from_torch(layout, getattr(module, name), node_id)) for role, name, layout in tensors]',
  '    checkpoint = {"format": "netcanvas.weights", "version": 1, "graphName": GRAPH_NAME,',
  '                  "savedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "layers": layers}',
  "    # Atomic, as the app writes: a temporary file beside the target (a link's target), flushed, then",
  '    # renamed over it; a full disk leaves the old checkpoint whole and no temporary file behind.',
  '    target = os.path.realpath(path)',
  '    fd, temp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".tmp", dir=os.path.dirname(target))',
  '    try:',
  '        with os.fdopen(fd, "w") as f:',
  '            json.dump(checkpoint, f)',
  '            f.flush()',
  '            os.fsync(f.fileno())',
  '        if os.path.exists(target):',
  '            os.chmod(temp, os.stat(target).st_mode & 0o7777)',
  '        else:',
  '            umask = os.umask(0)',
  '            os.umask(umask)',
  '            os.chmod(temp, 0o666 & ~umask)',
  '        os.replace(temp, target)',
  '    except BaseException:',
  '        if os.path.exists(temp):',
  '            os.unlink(temp)',
  '        raise',
];
