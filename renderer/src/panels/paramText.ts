/**
 * Text ⇄ value for the inspector's fields, by param kind. Parsing is lenient about spaces and
 * brackets; whether the value is acceptable is decided by the engine's validation, not here.
 */
import { MAX_SHAPE_DIM, MAX_WINDOW, type ParamSpec } from '../../../engine/layers/params';

export function paramToText(value: unknown): string {
  if (value === undefined) return '';
  // A kernel's rows: "1, 0, -1; 2, 0, -2; 1, 0, -1".
  if (Array.isArray(value) && value.every(Array.isArray)) return value.map((row: unknown[]) => row.join(', ')).join('; ');
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

function numberList(text: string): number[] | null {
  const parts = text
    .replace(/[[\]()×x]/g, ',')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return null;
  const numbers = parts.map(Number);
  return numbers.every((n) => !Number.isNaN(n)) ? numbers : null;
}

/** The value to hand to `setParam`; unparseable text is passed through so the engine explains what it expected. */
export function textToParam(spec: ParamSpec, text: string): unknown {
  const t = text.trim();
  switch (spec.kind) {
    case 'int':
    case 'float':
      return t === '' || Number.isNaN(Number(t)) ? t : Number(t);
    case 'bool':
      return t === 'true';
    case 'enum':
      return t;
    case 'padding':
      return t === 'valid' || t === 'same' || t === '' || Number.isNaN(Number(t)) ? t : Number(t);
    case 'size2': {
      const list = numberList(t);
      if (!list) return t;
      return list.length === 1 ? list[0] : list;
    }
    case 'shape':
      return numberList(t) ?? t;
    case 'kernel': {
      // A preset's name, or rows of numbers separated by ";" (or new lines).
      if (/^[A-Za-z]+$/.test(t)) return t;
      const rows = t.split(/[;\n]/).map((r) => numberList(r.trim()));
      return rows.every((r) => r !== null) && rows.length > 0 ? rows : t;
    }
  }
}

/** "1 … 65536", "(0, 1)" and the like, for the hint under a field. */
export function rangeHint(spec: ParamSpec): string | null {
  switch (spec.kind) {
    case 'int':
      return spec.max !== undefined ? `integer ${spec.min} … ${spec.max}` : `integer ≥ ${spec.min}`;
    case 'float':
      return `${spec.minInclusive === false ? '(' : '['}${spec.min}, ${spec.max}${spec.maxInclusive === false ? ')' : ']'}`;
    case 'size2':
      return `K or h, w (${spec.min} … ${spec.max ?? MAX_WINDOW})`;
    case 'padding':
      return `"valid", "same" or 0 … ${MAX_WINDOW} pixels`;
    case 'shape':
      return `H, W, C or N (each 1 … ${MAX_SHAPE_DIM.toLocaleString('en-US')})`;
    case 'kernel':
      return 'a preset name, or rows such as 0, 1, 0; 1, -4, 1; 0, 1, 0';
    default:
      return null;
  }
}
