/**
 * Reading the protobuf wire format, enough for ONNX ModelProto: every field of a message as raw
 * values by field number, with typed helpers for the ONNX messages the importer needs.
 */

export type WireValue =
  | { readonly kind: 'varint'; readonly value: bigint }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly kind: 'fixed32'; readonly value: Uint8Array }
  | { readonly kind: 'fixed64'; readonly value: Uint8Array };

export type Message = Map<number, WireValue[]>;

export function readMessage(bytes: Uint8Array): Message {
  const fields: Message = new Map();
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (at >= bytes.length) throw new Error('truncated protobuf varint');
      const b = bytes[at++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (at < bytes.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    const wire = tag & 7;
    let value: WireValue;
    if (wire === 0) value = { kind: 'varint', value: varint() };
    else if (wire === 2) {
      const length = Number(varint());
      value = { kind: 'bytes', value: bytes.subarray(at, at + length) };
      at += length;
    } else if (wire === 5) {
      value = { kind: 'fixed32', value: bytes.subarray(at, at + 4) };
      at += 4;
    } else if (wire === 1) {
      value = { kind: 'fixed64', value: bytes.subarray(at, at + 8) };
      at += 8;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (at > bytes.length) throw new Error('truncated protobuf message');
    const list = fields.get(field) ?? [];
    list.push(value);
    fields.set(field, list);
  }
  return fields;
}

const decoder = new TextDecoder();

export const messages = (m: Message, field: number): Message[] =>
  (m.get(field) ?? []).filter((v) => v.kind === 'bytes').map((v) => readMessage(v.value as Uint8Array));
export const message = (m: Message, field: number): Message | undefined => messages(m, field)[0];
export const strings = (m: Message, field: number): string[] =>
  (m.get(field) ?? []).filter((v) => v.kind === 'bytes').map((v) => decoder.decode(v.value as Uint8Array));
export const string = (m: Message, field: number): string | undefined => strings(m, field)[0];

/** Repeated int64, packed or not (signed: two's complement). */
export function ints(m: Message, field: number): number[] {
  const out: number[] = [];
  for (const v of m.get(field) ?? []) {
    if (v.kind === 'varint') out.push(Number(BigInt.asIntN(64, v.value)));
    else if (v.kind === 'bytes') {
      const inner = readMessageVarints(v.value);
      out.push(...inner);
    }
  }
  return out;
}

function readMessageVarints(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[at++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
    }
    out.push(Number(BigInt.asIntN(64, result)));
  }
  return out;
}

export const int = (m: Message, field: number): number | undefined => ints(m, field)[0];

/** float fields (fixed32), packed or not. */
export function floats(m: Message, field: number): number[] {
  const out: number[] = [];
  for (const v of m.get(field) ?? []) {
    const bytes = v.value as Uint8Array;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (v.kind === 'fixed32') out.push(view.getFloat32(0, true));
    else if (v.kind === 'bytes') for (let i = 0; i + 4 <= bytes.length; i += 4) out.push(view.getFloat32(i, true));
  }
  return out;
}
