/**
 * Parameter descriptions for the layer catalogue. One table per layer drives validation
 * (loader and checker), defaults, and the inspector's widgets and docs, so none of them
 * switches on the layer type.
 */

import { kernelValueProblem, type KernelValue } from './kernels';

export type Padding = 'valid' | 'same' | number;
export type Pair = readonly [number, number];

/**
 * The documented caps on geometry: a kernel, pool window, stride, dilation, upsampling factor or
 * explicit padding above 4096 pixels describes nothing a student can train (images here are at
 * most 4096×4096), and an input dimension above 2^24 nothing NetCanvas can hold. Larger values
 * are refused where the file is read, naming the place; what the remaining values make of
 * shapes and memory is the checker's budget (engine/check/budgets.ts).
 */
export const MAX_WINDOW = 4096;
export const MAX_SHAPE_DIM = 16_777_216;

interface ParamBase<T> {
  /** One line shown in the inspector. */
  readonly doc: string;
  readonly required?: boolean;
  /** A constant, or derived from the other resolved params (pool strides default to poolSize). */
  readonly default?: T | ((resolved: Record<string, unknown>) => T);
  /** For required params: the value a node dropped on the canvas starts with. */
  readonly example?: T;
  /** Whether it matters for these resolved params (the inspector hides it otherwise: σ only for a Gaussian kernel); default: always. */
  readonly relevant?: (resolved: Readonly<Record<string, unknown>>) => boolean;
}

export interface IntParam extends ParamBase<number> {
  readonly kind: 'int';
  readonly min: number;
  readonly max?: number;
}
export interface FloatParam extends ParamBase<number> {
  readonly kind: 'float';
  readonly min: number;
  readonly max: number;
  /** Whether the bounds themselves are allowed. */
  readonly minInclusive?: boolean;
  readonly maxInclusive?: boolean;
}
export interface BoolParam extends ParamBase<boolean> {
  readonly kind: 'bool';
}
export interface EnumParam extends ParamBase<string> {
  readonly kind: 'enum';
  readonly values: readonly string[];
}
/** An int applied to both axes, or `[h, w]`; at most `max` (default MAX_WINDOW). */
export interface SizeParam extends ParamBase<number | Pair> {
  readonly kind: 'size2';
  readonly min: number;
  readonly max?: number;
}
/** "valid", "same", or a non-negative int of symmetric zero padding. */
export interface PaddingParam extends ParamBase<Padding> {
  readonly kind: 'padding';
}
/** A tensor shape without the batch axis: `[N]` or `[H, W, C]`. */
export interface ShapeParam extends ParamBase<number[]> {
  readonly kind: 'shape';
}

/** A hand-set conv filter: a preset's name (box, gaussian…) or rows of numbers (./kernels). */
export interface KernelParam extends ParamBase<KernelValue> {
  readonly kind: 'kernel';
}

export type ParamSpec = IntParam | FloatParam | BoolParam | EnumParam | SizeParam | PaddingParam | ShapeParam | KernelParam;
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 40 ? `${text.slice(0, 37)}...` : text;
  } catch {
    return String(value);
  }
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function intWord(min: number): string {
  if (min === 1) return 'a positive integer';
  if (min === 0) return 'a non-negative integer';
  return `an integer ≥ ${min}`;
}

/** Why `value` is not acceptable for `spec`, or null when it is. Messages say what was expected and what came. */
export function validateParam(spec: ParamSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'int': {
      if (!isInt(value) || value < spec.min) return `expected ${intWord(spec.min)}, got ${show(value)}`;
      if (spec.max !== undefined && value > spec.max) return `expected ${intWord(spec.min)} up to ${spec.max}, got ${show(value)}`;
      return null;
    }
    case 'float': {
      const lo = spec.minInclusive === false ? '(' : '[';
      const hi = spec.maxInclusive === false ? ')' : ']';
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (spec.minInclusive === false ? value > spec.min : value >= spec.min) &&
        (spec.maxInclusive === false ? value < spec.max : value <= spec.max);
      return ok ? null : `expected a number in ${lo}${spec.min}, ${spec.max}${hi}, got ${show(value)}`;
    }
    case 'bool':
      return typeof value === 'boolean' ? null : `expected true or false, got ${show(value)}`;
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value)
        ? null
        : `expected one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}, got ${show(value)}`;
    case 'size2': {
      const max = spec.max ?? MAX_WINDOW;
      const ok = (n: unknown) => isInt(n) && n >= spec.min && n <= max;
      if (ok(value)) return null;
      if (Array.isArray(value) && value.length === 2 && value.every(ok)) return null;
      return `expected ${intWord(spec.min)} up to ${max} or a pair [h, w] of them, got ${show(value)}`;
    }
    case 'padding':
      if (value === 'valid' || value === 'same' || (isInt(value) && value >= 0 && value <= MAX_WINDOW)) return null;
      return `expected "valid", "same" or a non-negative integer up to ${MAX_WINDOW}, got ${show(value)}`;
    case 'shape': {
      const ok =
        Array.isArray(value) && (value.length === 1 || value.length === 3) && value.every((n) => isInt(n) && n >= 1 && n <= MAX_SHAPE_DIM);
      return ok ? null : `expected a shape [N] or [H, W, C] of positive integers up to ${MAX_SHAPE_DIM}, got ${show(value)}`;
    }
    case 'kernel': {
      const why = kernelValueProblem(value);
      return why ? `${why}, got ${show(value)}` : null;
    }
  }
}

export interface ParamProblem {
  readonly param: string;
  readonly message: string;
}

export interface ResolvedParams {
  readonly values: Record<string, unknown>;
  readonly problems: ParamProblem[];
  /** Params the author wrote that this layer does not have (likely typos). */
  readonly unknown: string[];
}

/**
 * Fills defaults and validates. Defaults that depend on other params are resolved after the
 * explicit ones, in declaration order, so `strides` can default to the resolved `poolSize`.
 */
export function resolveParams(specs: ParamSpecs, raw: Readonly<Record<string, unknown>>): ResolvedParams {
  const values: Record<string, unknown> = {};
  const problems: ParamProblem[] = [];
  const unknown: string[] = [];
  for (const name of Object.keys(raw)) if (!(name in specs)) unknown.push(name);
  const deferred: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const value = raw[name];
    if (value === undefined) {
      if (spec.required) problems.push({ param: name, message: `is required (${spec.doc})` });
      else deferred.push(name);
      continue;
    }
    const why = validateParam(spec, value);
    if (why) problems.push({ param: name, message: why });
    else values[name] = value;
  }
  for (const name of deferred) {
    const d = specs[name]?.default;
    if (d !== undefined) values[name] = typeof d === 'function' ? d(values) : d;
  }
  return { values, problems, unknown };
}

/** `3` → `[3, 3]`; `[3, 5]` → `[3, 5]`. */
export function pair(value: unknown): Pair {
  if (Array.isArray(value)) return [Number(value[0]), Number(value[1])];
  const n = Number(value);
  return [n, n];
}

/** Closest known name by edit distance, for "did you mean" hints. */
export function closestName(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
