/**
 * Loading is "validate, then restore": parse JSON, validate the whole document, and only then
 * hand back a document. A broken file yields messages and no document: nothing half-loaded.
 */
import { formatPath, graphSchema } from './schema';
import type { GraphDoc } from './types';

export type LoadResult =
  { readonly ok: true; readonly doc: GraphDoc } | { readonly ok: false; readonly error: string; readonly errors: readonly string[] };

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  array: 'an array',
  object: 'an object',
  boolean: 'true or false',
};

/** Zod's defaults read "Invalid input: expected string, received undefined"; students get plainer words. */
function plainMessage(issue: { code?: string; expected?: string; input?: unknown }): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  const got = issue.input === undefined ? 'nothing (it is missing)' : describeType(issue.input);
  const expected = ARTICLE[issue.expected ?? ''] ?? issue.expected ?? 'another type';
  return `expected ${expected}, got ${got}`;
}

/** Position of a JSON syntax error as "line L, column C", when the engine tells us the offset. */
function locate(text: string, err: unknown): string {
  const m = /position (\d+)/.exec(String((err as Error)?.message ?? ''));
  if (!m) return '';
  const offset = Number(m[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}

/** Validates an already-parsed value as a graph document. */
export function validateGraph(value: unknown): LoadResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const error = `expected a JSON object with "format": "netcanvas.graph", got ${describeType(value)}`;
    return { ok: false, error, errors: [error] };
  }
  const parsed = graphSchema.safeParse(value, { error: plainMessage });
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    return { ok: false, error: errors[0]!, errors };
  }
  return { ok: true, doc: parsed.data as GraphDoc };
}

/**
 * Parses the text of a graph file.
 * @example
 *   const r = parseGraph(fs.readFileSync('templates/lenet5.json', 'utf8'));
 *   if (!r.ok) console.error(r.error); // "nodes[3].params.filters: expected a positive integer, got -3"
 */
export function parseGraph(text: string): LoadResult {
  // Notepad and spreadsheets save a UTF-8 byte-order mark; JSON.parse would call it a syntax error.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8 quotes the text around the error, newlines included: the message stays one line.
    const why = (err as Error).message.replace(/ in JSON at position \d+.*$/s, '').replace(/\s*\n\s*/g, ' ');
    const error = `not valid JSON${locate(text, err)}: ${why}`;
    return { ok: false, error, errors: [error] };
  }
  return validateGraph(value);
}

/** The document as the file's text: stable two-space JSON, unknown fields included. */
export function serializeGraph(doc: GraphDoc): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
