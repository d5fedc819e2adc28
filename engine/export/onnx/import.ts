/**
 * ONNX → graph, for the op set NetCanvas has: Conv, MaxPool, AveragePool, GlobalAveragePool /
 * ReduceMean over H and W, Resize (integer scales, TensorFlow-style "asymmetric" coordinates),
 * Relu, LeakyRelu, Sigmoid, Tanh, Softmax, Dropout/Identity, BatchNormalization, Add/Sum, Concat,
 * Flatten/Reshape-to-vector, Gemm, MatMul(+Add), and layout Transposes. NCHW models (e.g. from
 * PyTorch) become channels-last graphs; kernels are converted to the app's layouts (a flatten of
 * NCHW reorders the next dense layer's rows). Anything else is listed in ImportError.unsupported.
 */
import { idRecord } from '../../graph/records';
import type { GraphDoc, GraphEdge, GraphNode } from '../../graph/types';
import { outputLength, padBefore, padTotal } from '../../layers/conv-math';
import { toIdentifier } from '../identifiers';
import { ImportError } from '../types';
import type { WeightsFile, WeightTensor } from '../weights';
import { float32FromTensor, readOnnxModel, type OnnxAttr, type OnnxNodeIn, type OnnxTensorIn } from './model-read';

export { ImportError };

export interface OnnxImport {
  readonly doc: GraphDoc;
  readonly weights: WeightsFile;
}

/** What an ONNX tensor is, in graph terms. */
type Value =
  | { kind: 'image'; node: string; layout: 'nchw' | 'nhwc'; hwc: [number, number, number] }
  | { kind: 'pooled'; node: string; channels: number }
  | { kind: 'vector'; node: string; size: number; chwFrom?: [number, number, number] };

const attr = (n: OnnxNodeIn, name: string): OnnxAttr | undefined => n.attributes.get(name);
const pairOf = (v: number[] | undefined, fallback: number): [number, number] => [v?.[0] ?? fallback, v?.[1] ?? fallback];
const compact = (p: [number, number]) => (p[0] === p[1] ? p[0] : p);
/** ONNX stores float attributes as float32: 0.001 comes back as 0.0010000000474974513. */
const tidy = (v: number) => Number(v.toPrecision(7));

export function importOnnx(bytes: Uint8Array, name = 'Imported ONNX model'): OnnxImport {
  const model = readOnnxModel(bytes);
  const init = new Map<string, OnnxTensorIn>(model.initializers.map((t) => [t.name, t]));
  const values = new Map<string, Value>();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  // Keyed by node ids taken from the model's names: `__proto__` must stay a key.
  const layers = idRecord<Record<string, WeightTensor>>();
  const unsupported: string[] = [];
  const taken = new Set<string>();
  const pendingBias = new Map<string, string>(); // MatMul output tensor → dense node awaiting an Add

  const newNode = (onnxName: string, type: string, params: Record<string, unknown>, inputs: string[]): string => {
    let id = toIdentifier(onnxName || type);
    for (let i = 2; taken.has(id); i++) id = `${toIdentifier(onnxName || type)}_${i}`;
    taken.add(id);
    nodes.push({ id, type, params });
    inputs.forEach((source, port) => edges.push({ source, target: id, targetPort: port }));
    return id;
  };
  const refuse = (n: OnnxNodeIn, why: string) => unsupported.push(`${n.op} ${n.name || n.outputs[0]}: ${why}`);

  const input = model.inputs.find((v) => !init.has(v.name));
  if (!input) throw new ImportError('the ONNX model has no input', ['no graph input']);
  const dims = input.shape.slice(1).map((d) => (typeof d === 'number' ? d : NaN));
  if (dims.some((d) => !Number.isFinite(d)) || (dims.length !== 1 && dims.length !== 3)) {
    throw new ImportError(
      `the input ${input.name} has shape [${input.shape.join(', ')}]; NetCanvas needs [batch, N] or a 4-D image with fixed sizes`,
      ['input shape'],
    );
  }
  // A 4-D input is NCHW unless the model transposes it first (as NetCanvas's own exports do).
  const firstUse = model.nodes.find((n) => n.inputs.includes(input.name));
  const nhwcInput = dims.length === 3 && firstUse?.op === 'Transpose' && (attr(firstUse, 'perm')?.ints ?? []).join() === '0,3,1,2';
  const hwc: [number, number, number] = nhwcInput ? [dims[0]!, dims[1]!, dims[2]!] : [dims[1]!, dims[2]!, dims[0]!];
  const inputId = newNode('input', 'input', { shape: dims.length === 1 ? dims : hwc }, []);
  values.set(
    input.name,
    dims.length === 1
      ? { kind: 'vector', node: inputId, size: dims[0]! }
      : { kind: 'image', node: inputId, layout: nhwcInput ? 'nhwc' : 'nchw', hwc },
  );

  const weightOf = (name: string | undefined) => (name ? init.get(name) : undefined);
  const window = (
    n: OnnxNodeIn,
    x: Extract<Value, { kind: 'image' }>,
    kernel: [number, number],
    strides: [number, number],
    dilation: [number, number],
  ) => {
    const autoPad = attr(n, 'auto_pad')?.s ?? 'NOTSET';
    const pads = attr(n, 'pads')?.ints ?? [0, 0, 0, 0];
    const [h, w] = x.hwc;
    const same = [0, 1].map((i) => {
      const size = i === 0 ? h : w;
      const before = padBefore(size, kernel[i]!, strides[i]!, dilation[i]!, 'same');
      return [before, padTotal(size, kernel[i]!, strides[i]!, dilation[i]!, 'same') - before];
    });
    let padding: 'valid' | 'same' | number | null = null;
    if (
      autoPad === 'SAME_UPPER' ||
      (pads.join() === [same[0]![0], same[1]![0], same[0]![1], same[1]![1]].join() && pads.some((p) => p > 0))
    )
      padding = 'same';
    else if (autoPad === 'VALID' || pads.every((p) => p === 0)) padding = 'valid';
    else if (pads.every((p) => p === pads[0])) padding = pads[0]!;
    if (padding === null) refuse(n, `padding [${pads.join(', ')}] is neither symmetric nor TensorFlow's "same"`);
    const out = (i: 0 | 1) => outputLength(x.hwc[i], kernel[i], strides[i], dilation[i], padding ?? 'valid');
    return { padding: padding ?? 'valid', pads, hw: [out(0), out(1)] as [number, number] };
  };

  for (const n of model.nodes) {
    const x = values.get(n.inputs[0] ?? '');
    const out = n.outputs[0]!;
    const alias = (v: Value) => values.set(out, v);
    if (n.op === 'Constant') continue; // read by model-read into the initializers
    if (!x && !['Add', 'Sum', 'Concat'].includes(n.op)) {
      refuse(n, `its input ${n.inputs[0]} is not something NetCanvas can represent`);
      continue;
    }
    switch (n.op) {
      case 'Transpose': {
        const perm = (attr(n, 'perm')?.ints ?? []).join();
        if (x?.kind === 'image' && x.layout === 'nhwc' && perm === '0,3,1,2') alias({ ...x, layout: 'nchw' });
        else if (x?.kind === 'image' && x.layout === 'nchw' && perm === '0,2,3,1') alias({ ...x, layout: 'nhwc' });
        else refuse(n, `perm [${perm}] is not a layout change`);
        break;
      }
      case 'Conv': {
        const W = weightOf(n.inputs[1]);
        if (x?.kind !== 'image' || x.layout !== 'nchw' || !W || W.dims.length !== 4 || (attr(n, 'group')?.i ?? 1) !== 1) {
          refuse(n, 'needs an NCHW image, a constant 4-D weight and group 1');
          break;
        }
        const [o, i, kh, kw] = W.dims as [number, number, number, number];
        const strides = pairOf(attr(n, 'strides')?.ints, 1);
        const dilation = pairOf(attr(n, 'dilations')?.ints, 1);
        const { padding, hw } = window(n, x, [kh, kw], strides, dilation);
        const B = weightOf(n.inputs[2]);
        const id = newNode(
          n.name || out,
          'conv2d',
          {
            filters: o,
            kernelSize: compact([kh, kw]),
            strides: compact(strides),
            padding,
            dilation: compact(dilation),
            useBias: Boolean(B),
          },
          [x.node],
        );
        const oihw = float32FromTensor(W);
        const kernel = new Float32Array(oihw.length);
        for (let a = 0; a < o; a++)
          for (let b = 0; b < i; b++)
            for (let r = 0; r < kh; r++)
              for (let c = 0; c < kw; c++) kernel[((r * kw + c) * i + b) * o + a] = oihw[((a * i + b) * kh + r) * kw + c]!;
        layers[id] = {
          kernel: { shape: [kh, kw, i, o], data: kernel },
          ...(B ? { bias: { shape: [o], data: float32FromTensor(B) } } : {}),
        };
        alias({ kind: 'image', node: id, layout: 'nchw', hwc: [hw[0], hw[1], o] });
        break;
      }
      case 'MaxPool':
      case 'AveragePool': {
        if (x?.kind !== 'image' || x.layout !== 'nchw' || (attr(n, 'ceil_mode')?.i ?? 0) !== 0) {
          refuse(n, 'needs an NCHW image and ceil_mode 0');
          break;
        }
        const kernel = pairOf(attr(n, 'kernel_shape')?.ints, 1);
        const strides = pairOf(attr(n, 'strides')?.ints, 1);
        const found = window(n, x, kernel, strides, [1, 1]);
        let padding = found.padding;
        const countPads = (attr(n, 'count_include_pad')?.i ?? 0) === 1;
        // Symmetric pads that count in the average are NetCanvas's int padding, even where they equal "same"'s.
        if (n.op === 'AveragePool' && padding === 'same' && countPads && found.pads.every((p) => p === found.pads[0]))
          padding = found.pads[0]!;
        if (n.op === 'AveragePool' && padding !== 'valid' && countPads !== (typeof padding === 'number')) {
          refuse(n, `count_include_pad ${countPads ? 1 : 0} differs from NetCanvas's ${JSON.stringify(padding)} padding`);
        }
        const hw = found.hw;
        const id = newNode(
          n.name || out,
          n.op === 'MaxPool' ? 'maxPool2d' : 'avgPool2d',
          { poolSize: compact(kernel), strides: compact(strides), padding },
          [x.node],
        );
        alias({ kind: 'image', node: id, layout: 'nchw', hwc: [hw[0], hw[1], x.hwc[2]] });
        break;
      }
      case 'GlobalAveragePool':
      case 'ReduceMean': {
        const axes = attr(n, 'axes')?.ints ?? (n.inputs[1] ? (weightOf(n.inputs[1])?.ints ?? []) : []);
        if (x?.kind !== 'image' || x.layout !== 'nchw' || (n.op === 'ReduceMean' && axes.join() !== '2,3')) {
          refuse(n, 'only the mean over height and width of an NCHW image is supported');
          break;
        }
        const id = newNode(n.name || out, 'globalAvgPool2d', {}, [x.node]);
        const keep = n.op === 'GlobalAveragePool' || (attr(n, 'keepdims')?.i ?? 1) === 1;
        alias(keep ? { kind: 'pooled', node: id, channels: x.hwc[2] } : { kind: 'vector', node: id, size: x.hwc[2] });
        break;
      }
      case 'Flatten':
      case 'Reshape': {
        const target = n.op === 'Reshape' ? (weightOf(n.inputs[1])?.ints ?? []) : [];
        // A vector in the app's order back into an NHWC image (the reshape layer; a transpose to NCHW follows).
        if (n.op === 'Reshape' && target.length === 4 && target[0] === -1 && x?.kind === 'vector' && !x.chwFrom) {
          const hwc = target.slice(1) as [number, number, number];
          if (hwc[0] * hwc[1] * hwc[2] !== x.size) refuse(n, `reshape to [${target.join(', ')}] does not keep the ${x.size} values`);
          else alias({ kind: 'image', node: newNode(n.name || out, 'reshape', { shape: hwc }, [x.node]), hwc, layout: 'nhwc' });
          break;
        }
        if (n.op === 'Reshape' && !(target.length === 2 && target[1] === -1)) {
          refuse(n, `reshape to [${target.join(', ')}] is not a flatten`);
          break;
        }
        if (x?.kind === 'pooled') alias({ kind: 'vector', node: x.node, size: x.channels });
        else if (x?.kind === 'vector') alias(x);
        else if (x?.kind === 'image') {
          const id = newNode(n.name || out, 'flatten', {}, [x.node]);
          const [h, w, c] = x.hwc;
          alias({
            kind: 'vector',
            node: id,
            size: h * w * c,
            ...(x.layout === 'nchw' ? { chwFrom: [c, h, w] as [number, number, number] } : {}),
          });
        }
        break;
      }
      case 'Gemm':
      case 'MatMul': {
        const B = weightOf(n.inputs[1]);
        const transB = n.op === 'Gemm' ? (attr(n, 'transB')?.i ?? 0) : 0;
        const ok =
          x?.kind === 'vector' &&
          B?.dims.length === 2 &&
          (attr(n, 'transA')?.i ?? 0) === 0 &&
          (attr(n, 'alpha')?.f ?? 1) === 1 &&
          (attr(n, 'beta')?.f ?? 1) === 1;
        if (!ok) {
          refuse(n, 'needs a vector input, a constant 2-D weight and alpha = beta = 1');
          break;
        }
        const [r, c] = B.dims as [number, number];
        const [inSize, units] = transB ? [c, r] : [r, c];
        const raw = float32FromTensor(B);
        const kernel = new Float32Array(raw.length);
        // The app's row for input k; a flatten of NCHW listed the same features in C·H·W order.
        const from = (k: number) => {
          if (!x.chwFrom) return k;
          const [ch, hh, ww] = x.chwFrom;
          const cc = k % ch;
          const wi = Math.floor(k / ch) % ww;
          const hi = Math.floor(k / (ch * ww));
          return cc * hh * ww + hi * ww + wi;
        };
        for (let k = 0; k < inSize; k++)
          for (let u = 0; u < units; u++) kernel[k * units + u] = transB ? raw[u * inSize + from(k)]! : raw[from(k) * units + u]!;
        const C = n.op === 'Gemm' ? weightOf(n.inputs[2]) : undefined;
        const id = newNode(n.name || out, 'dense', { units, useBias: Boolean(C) }, [x.node]);
        layers[id] = {
          kernel: { shape: [inSize, units], data: kernel },
          ...(C ? { bias: { shape: [units], data: float32FromTensor(C) } } : {}),
        };
        if (!C) pendingBias.set(out, id);
        alias({ kind: 'vector', node: id, size: units });
        break;
      }
      case 'Add':
      case 'Sum': {
        const constant = n.inputs.find((i) => init.has(i));
        const dense = n.inputs.map((i) => pendingBias.get(i)).find(Boolean);
        if (n.op === 'Add' && constant && dense) {
          const node = nodes.find((g) => g.id === dense)!;
          nodes[nodes.indexOf(node)] = { ...node, params: { ...node.params, useBias: true } };
          layers[dense] = {
            ...layers[dense],
            bias: { shape: [node.params.units as number], data: float32FromTensor(init.get(constant)!) },
          };
          alias(values.get(n.inputs.find((i) => i !== constant)!)!);
          break;
        }
        const ins = n.inputs.map((i) => values.get(i));
        if (constant || ins.some((v) => !v)) {
          refuse(n, 'adds a constant or an unsupported tensor');
          break;
        }
        const id = newNode(
          n.name || out,
          'add',
          {},
          ins.map((v) => v!.node),
        );
        alias({ ...ins[0]!, node: id });
        break;
      }
      case 'Concat': {
        const ins = n.inputs.map((i) => values.get(i));
        const axis = attr(n, 'axis')?.i ?? 1;
        const first = ins[0];
        if (
          ins.some((v) => !v || v.kind !== first?.kind || v.kind === 'pooled' || (v.kind === 'vector' && v.chwFrom)) ||
          !first ||
          (axis !== 1 && axis !== -1 && axis !== -3)
        ) {
          refuse(n, 'only concatenation along channels (or of plain vectors) is supported');
          break;
        }
        const id = newNode(
          n.name || out,
          'concat',
          {},
          ins.map((v) => v!.node),
        );
        if (first.kind === 'image')
          alias({ ...first, node: id, hwc: [first.hwc[0], first.hwc[1], ins.reduce((s, v) => s + (v as typeof first).hwc[2], 0)] });
        else if (first.kind === 'vector') alias({ kind: 'vector', node: id, size: ins.reduce((s, v) => s + (v as typeof first).size, 0) });
        break;
      }
      case 'Resize': {
        const scales = weightOf(n.inputs[2]);
        const s = scales ? Array.from(float32FromTensor(scales)) : [];
        const mode = attr(n, 'mode')?.s ?? 'nearest';
        const coords = attr(n, 'coordinate_transformation_mode')?.s ?? 'half_pixel';
        const integer = s.length === 4 && s[0] === 1 && s[1] === 1 && Number.isInteger(s[2]) && Number.isInteger(s[3]);
        if (
          x?.kind !== 'image' ||
          x.layout !== 'nchw' ||
          !integer ||
          coords !== 'asymmetric' ||
          (mode === 'nearest' && (attr(n, 'nearest_mode')?.s ?? 'round_prefer_floor') !== 'floor')
        ) {
          refuse(n, `only integer scales with "asymmetric" coordinates (TensorFlow's formula) are supported, got mode ${mode}, ${coords}`);
          break;
        }
        const id = newNode(
          n.name || out,
          'upsample2d',
          { size: compact([s[2]!, s[3]!]), interpolation: mode === 'linear' ? 'bilinear' : 'nearest' },
          [x.node],
        );
        alias({ ...x, node: id, hwc: [x.hwc[0] * s[2]!, x.hwc[1] * s[3]!, x.hwc[2]] });
        break;
      }
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh':
      case 'LeakyRelu':
      case 'Softmax': {
        if (x!.kind === 'pooled' || (x!.kind === 'image' && x!.layout !== 'nchw')) {
          refuse(n, 'input layout not supported');
          break;
        }
        const axis = attr(n, 'axis')?.i ?? -1;
        if (n.op === 'Softmax' && !(axis === 1 || (x!.kind === 'vector' && axis === -1))) {
          refuse(n, `softmax over axis ${axis} (NetCanvas normalises over channels)`);
          break;
        }
        const type = { Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh', LeakyRelu: 'leakyRelu', Softmax: 'softmax' }[n.op];
        const params = n.op === 'LeakyRelu' ? { alpha: tidy(attr(n, 'alpha')?.f ?? 0.01) } : {};
        alias({ ...x!, node: newNode(n.name || out, type, params, [x!.node]) });
        break;
      }
      case 'Dropout': {
        // Opset 12+ gives the rate as an input, older ones as an attribute; 0.5 is ONNX's default.
        const ratio = weightOf(n.inputs[1]);
        const rate = tidy(ratio ? float32FromTensor(ratio)[0]! : (attr(n, 'ratio')?.f ?? 0.5));
        alias({ ...x!, node: newNode(n.name || out, 'dropout', { rate }, [x!.node]) } as Value);
        break;
      }
      case 'Identity':
        alias(x!);
        break;
      case 'BatchNormalization': {
        const [scale, bias, mean, variance] = n.inputs.slice(1).map(weightOf);
        if (!scale || !bias || !mean || !variance || x!.kind === 'pooled' || (x!.kind === 'image' && x!.layout !== 'nchw')) {
          refuse(n, 'needs constant scale, bias, mean and variance');
          break;
        }
        const id = newNode(
          n.name || out,
          'batchNorm',
          { epsilon: tidy(attr(n, 'epsilon')?.f ?? 1e-5), momentum: tidy(attr(n, 'momentum')?.f ?? 0.9) },
          [x!.node],
        );
        const c = scale.dims[0]!;
        layers[id] = Object.fromEntries(
          (
            [
              ['gamma', scale],
              ['beta', bias],
              ['moving_mean', mean],
              ['moving_variance', variance],
            ] as const
          ).map(([k, t]) => [k, { shape: [c], data: float32FromTensor(t) }]),
        );
        alias({ ...x!, node: id });
        break;
      }
      default:
        refuse(n, 'no NetCanvas layer does this');
    }
  }
  if (unsupported.length > 0) {
    throw new ImportError(
      `${unsupported.length} part${unsupported.length === 1 ? '' : 's'} of the ONNX model could not be imported:\n  ${unsupported.join('\n  ')}`,
      unsupported,
    );
  }
  return { doc: { format: 'netcanvas.graph', version: 1, name, nodes, edges, layout: {} }, weights: { layers } };
}
