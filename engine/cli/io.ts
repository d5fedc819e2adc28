/**
 * Small helpers the CLI commands share: reading a graph file with exit-code-2 semantics, and
 * output. Everything printed passes `forTerminal`, so text from a file (a graph's name, a label,
 * a CSV cell quoted in a message) can never send escape sequences to the user's terminal.
 */
import { GRAPH_FILE_MAX_BYTES, readTextBounded } from '../io';
import { parseGraph } from '../graph/load';
import type { GraphDoc } from '../graph/types';

/** Thrown for user errors: main prints the message on one line and exits with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 2,
  ) {
    super(message);
  }
}

// C0 controls but tab and newline, DEL, C1 controls (8-bit CSI is U+009B), and bidirectional overrides.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text made safe to print: control characters become visible `\u001b`-style escapes. Inside a
 * JSON string that is the same character, so `--json` output stays valid JSON.
 */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A graph file, read boundedly (regular files, 64 MiB) and parsed; a byte-order mark is fine. */
export async function readGraphFile(path: string): Promise<GraphDoc> {
  const text = await readTextBounded(path, { maxBytes: GRAPH_FILE_MAX_BYTES, what: 'a graph file may be' });
  const result = parseGraph(text);
  if (!result.ok) throw new CliError(`${path}: ${result.error}`);
  return result.doc;
}

export const out = (text: string) => process.stdout.write(`${forTerminal(text)}\n`);
/** One line on stderr, prefixed with the program's name. */
export const warn = (text: string) => process.stderr.write(`netcanvas: ${forTerminal(text)}\n`);
