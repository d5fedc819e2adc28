/** Small helpers for writing Python source: literals and indentation. */

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

/** The app's learning-rate schedules (engine/graph/training.ts) in Python; both exported training scripts embed it. */
export const PY_LEARNING_RATE_AT = String.raw`def learning_rate_at(epoch, epochs):
    """The app's schedules (engine/graph/training.ts), stepped once per epoch (0-based)."""
    lr, s = CONFIG["learningRate"], CONFIG["schedule"]
    if s["type"] == "step":
        return lr * s.get("gamma", 0.5) ** (epoch // s.get("everyEpochs", 1))
    if s["type"] == "inverseTime":
        return lr / (1 + s.get("decay", 1) * epoch)
    if s["type"] == "cosine":
        span, low = max(1, epochs - 1), s.get("minLearningRate", 0)
        return low + 0.5 * (lr - low) * (1 + math.cos(math.pi * min(epoch, span) / span))
    return lr
`;
