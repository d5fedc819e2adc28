/** Small helpers the CLI commands share: reading a graph file with exit-code-2 semantics, output. */
import { readFileSync } from 'node:fs';
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

export function readGraphFile(path: string): GraphDoc {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : (err as Error).message;
    throw new CliError(`cannot read ${path}: ${why}`);
  }
  const result = parseGraph(text);
  if (!result.ok) throw new CliError(`${path}: ${result.error}`);
  return result.doc;
}

export const out = (text: string) => process.stdout.write(`${text}\n`);
