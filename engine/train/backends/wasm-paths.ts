/**
 * Where tfjs-backend-wasm's `.wasm` binaries live on disk.
 *
 * In Node the backend otherwise looks next to the bundled JS (wrong once anything bundles or
 * when our code runs from another folder), so we resolve the installed package itself.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { existsSync } from 'node:fs';

export const WASM_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/**
 * Absolute folder (with trailing separator) holding the wasm binaries.
 * @example setWasmPaths(wasmDistDir())
 */
export function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  // package.json is always resolvable; the `main` entry differs between node and browser builds.
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  const dir = path.join(path.dirname(pkg), 'dist') + path.sep;
  const missing = WASM_BINARIES.filter((f) => !existsSync(dir + f));
  if (missing.length > 0) throw new Error(`tfjs-backend-wasm is missing ${missing.join(', ')} in ${dir}`);
  return dir;
}
