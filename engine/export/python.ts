/** Small helpers for writing Python source: literals, indentation, branches. */
import { SCHEDULES } from '../graph/schedules';

/** A number as Python reads it, without float noise (`1 - 0.99` → `0.01`). */
export function pyNumber(value: number): string {
  if (value === Infinity) return 'float("inf")';
  if (value === -Infinity) return 'float("-inf")';
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(12)));
}

/** `[3, 3]` → `3`; `[3, 5]` → `(3, 5)`: PyTorch and Keras accept either. */
export function pyPair(value: readonly [number, number]): string {
  return value[0] === value[1] ? String(value[0]) : `(${value[0]}, ${value[1]})`;
}

export const pyString = (text: string) => JSON.stringify(text);

export const pyBool = (b: boolean) => (b ? 'True' : 'False');

export function indent(lines: readonly string[], depth = 1): string[] {
  const pad = '    '.repeat(depth);
  return lines.map((l) => (l === '' ? '' : pad + l));
}

/** "Small ResNet" → "SmallResNet"; used for the model class. */
export function className(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  const joined = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  if (!joined) return 'Net';
  return /^[0-9]/.test(joined) ? `Net${joined}` : joined;
}

/** A JSON-like value as a Python literal (True/False/None, dicts, lists). */
export function pyLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return pyBool(value);
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyString(k)}: ${pyLiteral(v)}`);
  return `{${entries.join(', ')}}`;
}

/**
 * A Python function that branches on one value: a branch per case (from a table typed over every
 * case, so none is forgotten) and a ValueError for anything else (a hand-edited CONFIG).
 */
export function pyDispatch(def: {
  signature: string;
  doc: string;
  /** Lines before the branches; they set the variables the cases use. */
  setup: readonly string[];
  /** The variable branched on (set in `setup`). */
  on: string;
  cases: Readonly<Record<string, string>>;
  /** What the value is, for the error ("optimizer"). */
  what: string;
}): string {
  const branches = Object.entries(def.cases).flatMap(([key, expr]) => [`if ${def.on} == ${pyString(key)}:`, `    return ${expr}`]);
  return [
    `def ${def.signature}:`,
    `    """${def.doc}"""`,
    ...indent([...def.setup, ...branches, `raise ValueError(f"unknown ${def.what} {${def.on}!r}")`]),
    '',
  ].join('\n');
}

/** The app's learning-rate schedules (engine/graph/schedules.ts) in Python; both exported training scripts embed it. */
export const PY_LEARNING_RATE_AT = pyDispatch({
  signature: 'learning_rate_at(epoch, epochs)',
  doc: "The app's schedules (engine/graph/schedules.ts), stepped once per epoch (0-based).",
  setup: ['lr, s = CONFIG["learningRate"], CONFIG["schedule"]', 'kind = s["type"]'],
  on: 'kind',
  cases: Object.fromEntries(Object.entries(SCHEDULES).map(([type, spec]) => [type, spec.python])),
  what: 'learning-rate schedule',
});
