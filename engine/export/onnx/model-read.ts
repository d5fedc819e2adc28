/** Decoding the parts of an ONNX ModelProto the importer reads (field numbers from onnx/onnx.proto). */
import { floats, int, ints, message, messages, readMessage, string, strings, type Message } from './protobuf-read';

export interface OnnxAttr {
  readonly f?: number;
  readonly i?: number;
  readonly s?: string;
  readonly ints?: number[];
  readonly floats?: number[];
  readonly t?: OnnxTensorIn;
}

export interface OnnxNodeIn {
  readonly op: string;
  readonly name: string;
  readonly inputs: string[];
  readonly outputs: string[];
  readonly attributes: Map<string, OnnxAttr>;
}

export interface OnnxTensorIn {
  readonly name: string;
  readonly dims: number[];
  /** 1 FLOAT, 7 INT64, … */
  readonly dataType: number;
  readonly raw?: Uint8Array;
  readonly floatData: number[];
  /** INT64 values (raw or int64_data), for shapes and axes. */
  readonly ints: number[];
}

export interface OnnxModelIn {
  readonly nodes: OnnxNodeIn[];
  readonly initializers: OnnxTensorIn[];
  readonly inputs: { name: string; shape: (number | string)[] }[];
  readonly outputs: { name: string; shape: (number | string)[] }[];
}

function tensor(m: Message): OnnxTensorIn {
  const raw = m.get(9)?.[0]?.value as Uint8Array | undefined;
  const dataType = int(m, 2) ?? 0;
  let int64s = ints(m, 7);
  if (raw && dataType === 7) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    int64s = Array.from({ length: raw.length / 8 }, (_, k) => Number(view.getBigInt64(k * 8, true)));
  }
  return { name: string(m, 8) ?? '', dims: ints(m, 1), dataType, raw, floatData: floats(m, 4), ints: int64s };
}

export function float32FromTensor(t: OnnxTensorIn): Float32Array {
  if (t.dataType !== 1) return Float32Array.from(t.ints);
  if (!t.raw) return Float32Array.from(t.floatData);
  const view = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
  return Float32Array.from({ length: t.raw.length / 4 }, (_, k) => view.getFloat32(k * 4, true));
}

function attribute(m: Message): [string, OnnxAttr] {
  const t = message(m, 5);
  const value: OnnxAttr = {
    f: floats(m, 2)[0],
    i: int(m, 3),
    s: string(m, 4),
    ints: m.has(8) ? ints(m, 8) : undefined,
    floats: m.has(7) ? floats(m, 7) : undefined,
    t: t ? tensor(t) : undefined,
  };
  return [string(m, 1) ?? '', value];
}

function valueInfo(m: Message) {
  const shape = message(message(message(m, 2) ?? new Map(), 1) ?? new Map(), 2);
  const dims = shape ? messages(shape, 1).map((d) => int(d, 1) ?? string(d, 2) ?? '?') : [];
  return { name: string(m, 1) ?? '', shape: dims };
}

export function readOnnxModel(bytes: Uint8Array): OnnxModelIn {
  let graph: Message | undefined;
  try {
    graph = message(readMessage(bytes), 7);
  } catch (err) {
    throw new Error(`not an ONNX model: ${(err as Error).message}`);
  }
  if (!graph) throw new Error('not an ONNX model: it has no graph');
  const initializers = messages(graph, 5).map(tensor);
  const nodes: OnnxNodeIn[] = [];
  for (const n of messages(graph, 1)) {
    const node: OnnxNodeIn = {
      op: string(n, 4) ?? '',
      name: string(n, 3) ?? '',
      inputs: strings(n, 1),
      outputs: strings(n, 2),
      attributes: new Map(messages(n, 5).map(attribute)),
    };
    // Constants (PyTorch exports Resize scales this way) are initializers by another name.
    const value = node.op === 'Constant' ? node.attributes.get('value')?.t : undefined;
    if (value) initializers.push({ ...value, name: node.outputs[0]! });
    nodes.push(node);
  }
  return { nodes, initializers, inputs: messages(graph, 11).map(valueInfo), outputs: messages(graph, 12).map(valueInfo) };
}
