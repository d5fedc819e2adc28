/**
 * Whether two recordings of a step (./recording) did the same thing: the same commands over
 * buffers in the same roles, and the same bytes written by the host. A step that passes twice is
 * taken to be a pure function of its inputs and the variables, so replaying it is training; one
 * that does not (dropout draws its mask on the host, a schedule changes a constant) is never
 * replayed.
 */
import type { Recording } from './recording';

const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;
function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id == null) objectIds.set(o, (id = nextObjectId++));
  return id;
}

interface Canonical {
  readonly lines: string[];
  readonly writes: Uint8Array[];
}

/**
 * Buffers made for a recording are named by first use (the two recordings have different ones in
 * the same roles); the others (variables, constants) and pipelines by identity.
 */
function canonical(recording: Recording): Canonical {
  const names = new Map<GPUBuffer, string>();
  const name = (b: GPUBuffer) => {
    let n = names.get(b);
    if (n == null) names.set(b, (n = recording.own.has(b) ? `own${names.size}:${b.size}` : `ext${objectId(b)}`));
    return n;
  };
  const lines = recording.commands.map((c) => {
    if (c.kind === 'copy') return `copy ${name(c.src)}+${c.srcOffset} → ${name(c.dst)}+${c.dstOffset} ×${c.size}`;
    const bound = (recording.bindings.get(c.bindGroup) ?? []).map((b) => `${name(b.buffer)}+${b.offset}:${b.size ?? '*'}`);
    return `pipeline${objectId(c.pipeline)} @${c.group} [${bound.join(' ')}] ${c.workgroups.join('×')}`;
  });
  for (const w of recording.writes) lines.push(`write ${name(w.buffer)}+${w.offset} ×${w.bytes.length}`);
  return { lines, writes: recording.writes.map((w) => w.bytes) };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Null when `a` and `b` did the same; else what first differed, in words. */
export function difference(a: Recording, b: Recording): string | null {
  const ca = canonical(a);
  const cb = canonical(b);
  if (ca.lines.length !== cb.lines.length) return `${ca.lines.length} commands and host writes one time, ${cb.lines.length} the next`;
  const line = ca.lines.findIndex((l, i) => l !== cb.lines[i]);
  if (line >= 0)
    return line < a.commands.length
      ? `command ${line + 1} of ${a.commands.length} changed`
      : `host write ${line - a.commands.length + 1} went elsewhere`;
  const write = ca.writes.findIndex((w, i) => !sameBytes(w, cb.writes[i]!));
  if (write >= 0) return `host write ${write + 1} of ${ca.writes.length} (${ca.writes[write]!.length} bytes) wrote different values`;
  return null;
}
