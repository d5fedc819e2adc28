/** Scratch folders for exported files, inside the repo so generated TypeScript resolves node_modules. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../../../node_modules/.cache/netcanvas-export-test');

export function scratchDir(prefix: string): { path: string; remove(): void } {
  mkdirSync(ROOT, { recursive: true });
  const path = mkdtempSync(join(ROOT, `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The Python with torch the tests use (Debian's python3-torch), or null when absent. */
export { findTorchPython } from '../../../engine/export/pytorch/python-env';
