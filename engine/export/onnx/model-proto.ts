/**
 * A small in-memory ONNX graph (nodes, initializers, inputs/outputs) and its encoding as an ONNX
 * ModelProto (IR version 8, default-domain opset 13). Field numbers from onnx/onnx.proto.
 */
import { ProtoWriter } from './protobuf';

export type AttributeValue = number | readonly number[] | string | { readonly float: number };

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  /** float32 data (data type FLOAT) or int64 data as numbers (INT64). */
  readonly floats?: Float32Array;
  readonly int64s?: readonly number[];
}

export interface OnnxValue {
  readonly name: string;
  /** Dimensions; a string is a symbolic dimension such as "batch". */
  readonly shape: readonly (number | string)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly doc: string;
  readonly nodes: OnnxNode[];
  readonly initializers: OnnxTensor[];
  readonly inputs: OnnxValue[];
  readonly outputs: OnnxValue[];
}

const FLOAT = 1;
const INT64 = 7;
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

function writeAttribute(w: ProtoWriter, name: string, value: AttributeValue): void {
  w.string(1, name);
  if (typeof value === 'string') w.int(20, ATTR.STRING).string(4, value);
  else if (typeof value === 'number') w.int(20, ATTR.INT).int(3, value);
  else if ('float' in value) w.int(20, ATTR.FLOAT).float(2, value.float);
  else w.int(20, ATTR.INTS).ints(8, value as readonly number[]);
}

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  w.ints(1, t.dims);
  if (t.floats) {
    w.int(2, FLOAT).string(8, t.name);
    const raw = new Uint8Array(t.floats.length * 4);
    const view = new DataView(raw.buffer);
    t.floats.forEach((v, i) => view.setFloat32(i * 4, v, true));
    w.bytes(9, raw);
  } else {
    w.int(2, INT64).string(8, t.name);
    const raw = new Uint8Array((t.int64s ?? []).length * 8);
    const view = new DataView(raw.buffer);
    (t.int64s ?? []).forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    w.bytes(9, raw);
  }
}

function writeValue(w: ProtoWriter, v: OnnxValue): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, FLOAT);
      tensor.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

export function encodeModel(graph: OnnxGraph, producerVersion: string): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, 8); // ir_version
  w.string(2, 'netcanvas');
  w.string(3, producerVersion);
  w.message(7, (g) => {
    for (const n of graph.nodes) {
      g.message(1, (node) => {
        node.strings(1, n.inputs).strings(2, n.outputs).string(3, n.name).string(4, n.op);
        for (const [name, value] of Object.entries(n.attributes ?? {})) node.message(5, (a) => writeAttribute(a, name, value));
      });
    }
    g.string(2, graph.name);
    for (const t of graph.initializers) g.message(5, (tensor) => writeTensor(tensor, t));
    g.string(10, graph.doc);
    for (const v of graph.inputs) g.message(11, (value) => writeValue(value, v));
    for (const v of graph.outputs) g.message(12, (value) => writeValue(value, v));
  });
  w.message(8, (opset) => opset.string(1, '').int(2, 13));
  return w.finish();
}
