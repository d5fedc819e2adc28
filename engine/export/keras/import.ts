/**
 * Keras model JSON → graph: what Keras 2 and 3 write with `model.to_json()`, what TensorFlow.js
 * writes with `model.toJSON()`, and the `modelTopology` of a tfjs `model.json`. Sequential and
 * functional models (both `inbound_nodes` forms), channels-last only. Layers: InputLayer, Conv2D,
 * MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, UpSampling2D, ZeroPadding2D (folded into
 * the conv or average pool after it), Dense, Flatten, Reshape to a vector, Dropout,
 * BatchNormalization, Add, Concatenate, Activation, ReLU, LeakyReLU, Softmax, plus our own Keras
 * export's NegInfPadding2D and ResizeBilinearTF; `activation` fields become activation nodes and L2
 * kernel regularizers per-layer weight decay. The format holds no weights, so `weights` is empty.
 * Anything else is listed in ImportError.unsupported as "Class name: why".
 *
 * @example
 *   const { doc, notes } = importKeras(readFileSync('model.json', 'utf8'), 'mnist');
 */
import { checkGraph } from '../../check/checkGraph';
import type { GraphDoc, GraphEdge, GraphNode, NodeId, Shape } from '../../graph/types';
import { toIdentifier } from '../identifiers';
import { ImportError } from '../types';
import type { WeightsFile } from '../weights';

export interface KerasImport {
  readonly doc: GraphDoc;
  /** Always empty: model JSON describes the architecture only. */
  readonly weights: WeightsFile;
  /** What was imported but not kept exactly (dropped regularizers, other bilinear maths). */
  readonly notes: readonly string[];
}

type Config = Readonly<Record<string, unknown>>;

interface Layer {
  readonly className: string;
  readonly name: string;
  readonly config: Config;
  /** Names of the layers whose outputs it reads, in order. */
  readonly inputs: readonly string[];
  /** Why its wiring cannot be imported (shared layers, multi-output layers). */
  readonly problem?: string;
}

/** A Keras layer's output: a node, or padding waiting to be folded into the window after it. */
type Output = { readonly node: NodeId } | { readonly pad: number; readonly fill: 'zero' | '-inf'; readonly node: NodeId };

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);
const ACTIVATIONS: Record<string, { type: string; params?: Record<string, unknown> }> = {
  relu: { type: 'relu' },
  sigmoid: { type: 'sigmoid' },
  tanh: { type: 'tanh' },
  softmax: { type: 'softmax' },
  leaky_relu: { type: 'leakyRelu', params: { alpha: 0.2 } },
};

const isObject = (v: unknown): v is Config => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (message: string): never => {
  throw new ImportError(message, []);
};

export function importKeras(text: string, name?: string): KerasImport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    fail(`the file is not valid JSON (${(err as Error).message})`);
  }
  // A tfjs model.json wraps the Keras JSON in modelTopology; a Keras .h5's attribute in model_config.
  if (isObject(json) && isObject(json.modelTopology)) json = json.modelTopology;
  if (isObject(json) && isObject(json.model_config)) json = json.model_config;
  if (isObject(json) && json.format === 'netcanvas.graph') fail('this is a NetCanvas graph file: open it instead of importing it');
  if (!isObject(json) || typeof json.class_name !== 'string' || !(isObject(json.config) || Array.isArray(json.config))) {
    fail('this JSON is not a Keras model: expected {"class_name": "Sequential" or "Functional", "config": {"layers": […]}}');
  }
  const model = json as Config & { class_name: string; config: unknown };
  if (!MODEL_CLASSES.has(model.class_name)) fail(`a Keras "${model.class_name}" is not a model; expected Sequential or Functional`);
  const config: Config = Array.isArray(model.config) ? { layers: model.config } : (model.config as Config);
  if (!Array.isArray(config.layers) || !config.layers.every(isObject)) fail('the model\'s "layers" is not a list of layers');
  const entries = config.layers as Config[];
  const tfjs = String(model.keras_version ?? '').startsWith('tfjs');
  return new Builder(tfjs).build(
    model.class_name === 'Sequential' ? sequentialLayers(entries, config) : functionalLayers(entries),
    name ?? String(config.name ?? 'Imported Keras model'),
  );
}

function layerOf(entry: Config, index: number, inputs: readonly string[]): Layer {
  const config = isObject(entry.config) ? entry.config : {};
  const name = typeof entry.name === 'string' ? entry.name : typeof config.name === 'string' ? config.name : `layer_${index + 1}`;
  return { className: String(entry.class_name ?? 'unknown'), name, config, inputs };
}

/** The sample shape a layer config declares (without the batch axis), if any. */
function declaredShape(config: Config): unknown[] | undefined {
  const batch = config.batch_input_shape ?? config.batch_shape;
  if (Array.isArray(batch)) return batch.slice(1);
  const shape = config.input_shape ?? config.shape;
  return Array.isArray(shape) ? shape : undefined;
}

/** Each layer reads the one before; without an InputLayer, the first layer or the model declares the shape. */
function sequentialLayers(entries: readonly Config[], config: Config): Layer[] {
  const layers: Layer[] = [];
  const first = entries[0];
  if (first && first.class_name !== 'InputLayer') {
    const fromFirst = isObject(first.config) ? declaredShape(first.config) : undefined;
    const built = Array.isArray(config.build_input_shape) ? config.build_input_shape.slice(1) : undefined;
    const shape =
      fromFirst ?? built ?? fail('the Sequential model declares no input shape (no InputLayer, input_shape or batch_input_shape)');
    layers.push({ className: 'InputLayer', name: 'input', config: { input_shape: shape }, inputs: [] });
  }
  entries.forEach((entry, i) => {
    const previous = layers.at(-1);
    layers.push(layerOf(entry, i, previous ? [previous.name] : []));
  });
  return layers;
}

/** Keras 2: [[["name", node, tensor, {}], …]]; Keras 3: [{"args": [keras tensors, or a list of them], "kwargs": {}}]. */
function functionalLayers(entries: readonly Config[]): Layer[] {
  return entries.map((entry, i) => {
    const calls = Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes : [];
    const history: unknown[][] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (isObject(v) && v.class_name === '__keras_tensor__' && isObject(v.config) && Array.isArray(v.config.keras_history))
        history.push(v.config.keras_history);
    };
    const call = calls[0];
    if (Array.isArray(call)) history.push(...call.filter(Array.isArray));
    else if (isObject(call)) walk(call.args);
    const layer = layerOf(
      entry,
      i,
      history.map((h) => String(h[0])),
    );
    const problem =
      calls.length > 1
        ? `it is called ${calls.length} times (NetCanvas layers are not shared)`
        : history.some((h) => Number(h[1] ?? 0) !== 0 || Number(h[2] ?? 0) !== 0)
          ? 'it reads a second call or a second output of a layer (not supported)'
          : null;
    return problem ? { ...layer, problem } : layer;
  });
}

/** An L2 strength from a Keras or tfjs regularizer (L2, L1L2), with what could not be kept. */
function l2Of(reg: unknown): { l2: number; dropped: boolean } {
  if (!isObject(reg)) return { l2: 0, dropped: false };
  const c = isObject(reg.config) ? reg.config : {};
  const l2 = reg.class_name === 'L2' ? Number(c.l2 ?? 0.01) : reg.class_name === 'L1L2' ? Number(c.l2 ?? 0) : 0;
  const l1 = reg.class_name === 'L1' ? 1 : reg.class_name === 'L1L2' ? Number(c.l1 ?? 0) : 0;
  return { l2: Number.isFinite(l2) ? l2 : 0, dropped: l1 !== 0 || !['L1', 'L2', 'L1L2'].includes(String(reg.class_name)) };
}

/** "relu", or Keras 3's {"class_name": "function", "config": "relu"}; null for linear. */
function activationName(value: unknown): string | null {
  const name = isObject(value) ? value.config : value;
  return name === undefined || name === null || name === 'linear' ? null : String(name);
}

const pairOf = (v: unknown, fallback: number): number | [number, number] => {
  const p = Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : [Number(v ?? fallback), Number(v ?? fallback)];
  return p[0] === p[1] ? p[0]! : [p[0]!, p[1]!];
};

/** One symmetric amount from ZeroPadding2D's 1, (1, 2) or ((1, 1), (2, 2)); null when the sides differ. */
function symmetricPad(v: unknown): number | null {
  const sides = (Array.isArray(v) ? v : [v]).flat(2).map(Number);
  return sides.every((s) => s === sides[0]) && Number.isInteger(sides[0]) ? sides[0]! : null;
}

/** A check that needs the input's shape, run once the whole graph is built. */
interface ShapeRule {
  readonly node: NodeId;
  readonly layer: Layer;
  /** Why the layer cannot be imported for this input shape, or null. */
  readonly test: (input: Shape) => string | null;
}

/** The last axis, as Keras counts it (the batch is axis 0), for this sample shape. */
const isLastAxis = (axis: unknown, input: Shape) => Number(axis) === -1 || Number(axis) === input.length;
const axisOf = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v);

class Builder {
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];
  private readonly taken = new Set<string>();
  private readonly outputs = new Map<string, Output>();
  private readonly consumers = new Map<string, Layer[]>();
  private readonly unsupported: string[] = [];
  private readonly notes: string[] = [];
  private readonly rules: ShapeRule[] = [];
  private readonly decay: Record<NodeId, number> = {};

  constructor(private readonly tfjs: boolean) {}

  build(layers: readonly Layer[], name: string): KerasImport {
    for (const layer of layers) for (const input of layer.inputs) this.consumers.set(input, [...(this.consumers.get(input) ?? []), layer]);
    for (const layer of layers) {
      try {
        this.convert(layer);
      } catch (err) {
        const why = err instanceof Refusal ? err.message : `its config could not be read (${(err as Error)?.message ?? String(err)})`;
        this.unsupported.push(`${layer.className} ${layer.name}: ${why}`);
        // Stand in for it, so the layers after it are judged on their own (the graph is not returned).
        this.outputs.set(layer.name, { node: layer.name });
      }
    }
    const training = Object.keys(this.decay).length > 0 ? { training: { layerWeightDecay: this.decay } } : {};
    const doc: GraphDoc = { format: 'netcanvas.graph', version: 1, name, nodes: this.nodes, edges: this.edges, layout: {}, ...training };
    if (this.unsupported.length === 0) {
      const check = checkGraph(doc);
      for (const rule of this.rules) {
        const input = check.nodes[rule.node]?.inputShapes[0];
        const why = input ? rule.test(input) : null;
        if (why) this.unsupported.push(`${rule.layer.className} ${rule.layer.name}: ${why}`);
      }
    }
    if (this.nodes.length === 0 && this.unsupported.length === 0) fail('the model has no layers');
    if (this.unsupported.length > 0) {
      const n = this.unsupported.length;
      throw new ImportError(
        `${n} layer${n === 1 ? '' : 's'} of the Keras model could not be imported:\n  ${this.unsupported.join('\n  ')}`,
        this.unsupported,
      );
    }
    return { doc, weights: { layers: {} }, notes: this.notes };
  }

  private node(name: string, type: string, params: Record<string, unknown>, inputs: readonly NodeId[]): NodeId {
    const base = toIdentifier(name);
    let id = base;
    for (let i = 2; this.taken.has(id); i++) id = `${base}_${i}`;
    this.taken.add(id);
    this.nodes.push({ id, type, params });
    inputs.forEach((source, port) => this.edges.push({ source, target: id, ...(inputs.length > 1 ? { targetPort: port } : {}) }));
    return id;
  }

  /** The node a layer's input comes from; padding is only allowed where `absorbs` folds it in. */
  private input(layer: Layer, index = 0): Output {
    const from = layer.inputs[index];
    const out = from === undefined ? undefined : this.outputs.get(from);
    if (!out) throw new Refusal(from === undefined ? 'it has no input' : `its input ${from} is missing or could not be imported`);
    return out;
  }

  private plainInput(layer: Layer, index = 0): NodeId {
    const out = this.input(layer, index);
    if ('pad' in out)
      throw new Refusal(`it follows the padding layer ${layer.inputs[index]}, which only a convolution or pooling can absorb`);
    return out.node;
  }

  private activation(layer: Layer, from: NodeId, value: unknown): NodeId {
    const name = activationName(value);
    if (name === null) return from;
    const act = ACTIVATIONS[name];
    if (!act) throw new Refusal(`activation "${name}" has no NetCanvas layer (relu, leaky_relu, sigmoid, tanh, softmax)`);
    return this.node(`${layer.name}_${name}`, act.type, act.params ?? {}, [from]);
  }

  private channelsLast(layer: Layer): void {
    const format = layer.config.data_format;
    if (format !== undefined && format !== null && format !== 'channels_last') {
      throw new Refusal(`data_format "${String(format)}": NetCanvas is channels-last; save the model with data_format="channels_last"`);
    }
  }

  private regularized(layer: Layer, id: NodeId): void {
    const kernel = l2Of(layer.config.kernel_regularizer);
    if (kernel.l2 > 0) this.decay[id] = kernel.l2;
    const dropped = [
      kernel.dropped && 'L1 kernel regularization',
      layer.config.bias_regularizer && 'bias_regularizer',
      layer.config.activity_regularizer && 'activity_regularizer',
    ];
    for (const what of dropped.filter(Boolean))
      this.notes.push(`${layer.className} ${layer.name}: ${what} is left out (NetCanvas decays kernels with L2 only)`);
  }

  /** A conv or pooling window, with a ZeroPadding2D / NegInfPadding2D before it folded into its padding. */
  private windowInput(layer: Layer, fill: 'zero' | '-inf' | null): { node: NodeId; padding: unknown } {
    const out = this.input(layer);
    const padding = layer.config.padding ?? 'valid';
    if (!('pad' in out)) return { node: out.node, padding };
    if (out.fill !== fill || padding !== 'valid') {
      throw new Refusal(
        `the padding before it (${layer.inputs[0]}) cannot be expressed: NetCanvas pads ${fill === '-inf' ? 'max pooling with −∞' : fill === 'zero' ? 'with zeros only into a "valid" window' : 'only before a window'}`,
      );
    }
    return { node: out.node, padding: out.pad };
  }

  private convert(layer: Layer): void {
    const c = layer.config;
    if (layer.problem) throw new Refusal(layer.problem);
    const set = (node: NodeId): void => void this.outputs.set(layer.name, { node });
    const rule = (node: NodeId, test: ShapeRule['test']) => this.rules.push({ node, layer, test });
    switch (layer.className) {
      case 'InputLayer': {
        const shape = declaredShape(c);
        const ok = shape && (shape.length === 1 || shape.length === 3) && shape.every((d) => Number.isInteger(d) && (d as number) > 0);
        if (!ok)
          throw new Refusal(
            `input shape [${(shape ?? []).map((d) => String(d)).join(', ')}]: NetCanvas needs fixed sizes, an image [H, W, C] or a vector [N]`,
          );
        return set(this.node(layer.name, 'input', { shape }, []));
      }
      case 'Conv2D': {
        this.channelsLast(layer);
        if (Number(c.groups ?? 1) !== 1) throw new Refusal(`groups ${String(c.groups)}: NetCanvas convolutions are not grouped`);
        const { node, padding } = this.windowInput(layer, 'zero');
        const params = {
          filters: c.filters,
          kernelSize: pairOf(c.kernel_size, 1),
          strides: pairOf(c.strides, 1),
          padding,
          dilation: pairOf(c.dilation_rate, 1),
          useBias: c.use_bias !== false,
        };
        const id = this.node(layer.name, 'conv2d', params, [node]);
        this.regularized(layer, id);
        return set(this.activation(layer, id, c.activation));
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        this.channelsLast(layer);
        const { node, padding } = this.windowInput(layer, layer.className === 'MaxPooling2D' ? '-inf' : 'zero');
        const poolSize = pairOf(c.pool_size, 2);
        const strides = c.strides === null || c.strides === undefined ? poolSize : pairOf(c.strides, 1);
        return set(
          this.node(layer.name, layer.className === 'MaxPooling2D' ? 'maxPool2d' : 'avgPool2d', { poolSize, strides, padding }, [node]),
        );
      }
      case 'ZeroPadding2D':
      case 'NegInfPadding2D': {
        this.channelsLast(layer);
        const pad = symmetricPad(c.padding ?? c.pad ?? 1);
        const fill = layer.className === 'ZeroPadding2D' ? 'zero' : '-inf';
        const next = this.consumers.get(layer.name) ?? [];
        const window = fill === 'zero' ? ['Conv2D', 'AveragePooling2D'] : ['MaxPooling2D'];
        if (pad === null) throw new Refusal('padding differs between sides; NetCanvas pads every side alike');
        if (next.length !== 1 || !window.includes(next[0]!.className)) {
          const after = next.length === 1 ? `${next[0]!.className} ${next[0]!.name}` : `${next.length} layers`;
          throw new Refusal(
            `NetCanvas has no padding layer: it folds ${fill === 'zero' ? 'zero' : '−∞'} padding into the ${window.join(' or ')} right after it, not into ${after}`,
          );
        }
        this.outputs.set(layer.name, { pad, fill, node: this.plainInput(layer) });
        return;
      }
      case 'GlobalAveragePooling2D':
        this.channelsLast(layer);
        if (c.keepdims === true) throw new Refusal('keepdims=True (NetCanvas gives a vector of channels)');
        return set(this.node(layer.name, 'globalAvgPool2d', {}, [this.plainInput(layer)]));
      case 'UpSampling2D':
      case 'ResizeBilinearTF': {
        this.channelsLast(layer);
        const interpolation = layer.className === 'ResizeBilinearTF' ? 'bilinear' : String(c.interpolation ?? 'nearest');
        if (interpolation !== 'nearest' && interpolation !== 'bilinear')
          throw new Refusal(`interpolation "${interpolation}" (NetCanvas has nearest and bilinear)`);
        if (interpolation === 'bilinear' && layer.className === 'UpSampling2D' && !this.tfjs) {
          this.notes.push(
            `${layer.className} ${layer.name}: Keras's bilinear uses half-pixel centres and NetCanvas's (TensorFlow.js's) does not; outputs differ slightly`,
          );
        }
        return set(this.node(layer.name, 'upsample2d', { size: pairOf(c.size, 2), interpolation }, [this.plainInput(layer)]));
      }
      case 'Dense': {
        const id = this.node(layer.name, 'dense', { units: c.units, useBias: c.use_bias !== false }, [this.plainInput(layer)]);
        rule(id, (input) =>
          input.length === 1
            ? null
            : `Keras applies it to the last axis of a [${input.join(', ')}] tensor; NetCanvas's dense needs a vector (flatten first)`,
        );
        this.regularized(layer, id);
        return set(this.activation(layer, id, c.activation));
      }
      case 'Flatten':
        this.channelsLast(layer);
        return set(this.node(layer.name, 'flatten', {}, [this.plainInput(layer)]));
      case 'Reshape': {
        const target = Array.isArray(c.target_shape) ? c.target_shape.map(Number) : [];
        if (target.length !== 1) throw new Refusal(`target_shape [${target.join(', ')}] is not a vector (only a flatten is supported)`);
        const id = this.node(layer.name, 'flatten', {}, [this.plainInput(layer)]);
        rule(id, (input) =>
          target[0] === -1 || target[0] === input.reduce((a, b) => a * b, 1)
            ? null
            : `target_shape [${target[0]}] does not hold a [${input.join(', ')}] input`,
        );
        return set(id);
      }
      case 'Dropout':
        return set(this.node(layer.name, 'dropout', { rate: Number(c.rate ?? 0.5) }, [this.plainInput(layer)]));
      case 'BatchNormalization': {
        if (c.center === false || c.scale === false)
          throw new Refusal("center or scale is off (NetCanvas's batch norm always learns γ and β)");
        const id = this.node(layer.name, 'batchNorm', { momentum: Number(c.momentum ?? 0.99), epsilon: Number(c.epsilon ?? 0.001) }, [
          this.plainInput(layer),
        ]);
        const axis = axisOf(c.axis ?? -1);
        rule(id, (input) =>
          isLastAxis(axis, input) ? null : `normalises axis ${JSON.stringify(c.axis)}; NetCanvas normalises the channels (the last axis)`,
        );
        return set(id);
      }
      case 'Add':
      case 'Concatenate': {
        if (layer.inputs.length < 2) throw new Refusal('it needs at least two inputs');
        const id = this.node(
          layer.name,
          layer.className === 'Add' ? 'add' : 'concat',
          {},
          layer.inputs.map((_, i) => this.plainInput(layer, i)),
        );
        if (layer.className === 'Concatenate')
          rule(id, (input) =>
            isLastAxis(c.axis ?? -1, input) ? null : `concatenates along axis ${String(c.axis)}; NetCanvas stacks channels (the last axis)`,
          );
        return set(id);
      }
      case 'Activation': {
        const from = this.plainInput(layer);
        const name = activationName(c.activation);
        if (name === null) return set(from);
        const act = ACTIVATIONS[name];
        if (!act) throw new Refusal(`activation "${name}" has no NetCanvas layer (relu, leaky_relu, sigmoid, tanh, softmax)`);
        return set(this.node(layer.name, act.type, act.params ?? {}, [from]));
      }
      case 'ReLU': {
        const slope = Number(c.negative_slope ?? 0);
        if (c.max_value !== null && c.max_value !== undefined)
          throw new Refusal(`max_value ${String(c.max_value)} (NetCanvas's ReLU is not capped)`);
        if (Number(c.threshold ?? 0) !== 0) throw new Refusal(`threshold ${String(c.threshold)} (NetCanvas's ReLU starts at 0)`);
        return set(
          this.node(layer.name, slope === 0 ? 'relu' : 'leakyRelu', slope === 0 ? {} : { alpha: slope }, [this.plainInput(layer)]),
        );
      }
      case 'LeakyReLU':
        // Keras 2 and tfjs call the slope alpha, Keras 3 negative_slope; both default to 0.3.
        return set(this.node(layer.name, 'leakyRelu', { alpha: Number(c.negative_slope ?? c.alpha ?? 0.3) }, [this.plainInput(layer)]));
      case 'Softmax': {
        const id = this.node(layer.name, 'softmax', {}, [this.plainInput(layer)]);
        rule(id, (input) =>
          isLastAxis(axisOf(c.axis ?? -1), input) ? null : `normalises axis ${JSON.stringify(c.axis)}; NetCanvas normalises the last axis`,
        );
        return set(id);
      }
      case 'Sequential':
      case 'Functional':
      case 'Model':
        throw new Refusal('a model nested as a layer (NetCanvas graphs are flat)');
      default:
        throw new Refusal('no NetCanvas layer does this');
    }
  }
}

/** A layer that cannot be imported, with the reason; collected, never shown as a stack trace. */
class Refusal extends Error {}
