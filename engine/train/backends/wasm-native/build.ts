/**
 * `npm run build:wasm`: compiles ./c into NetCanvas's two WebAssembly kernel modules with clang
 * (Debian: `apt install clang lld`) and writes them, base64, into ./module.generated.ts, so that
 * they travel inside every bundle (the trainer's CommonJS bundle, the browser build) with no asset
 * to locate at run time. `--check` rebuilds and fails if the committed module differs (CI runs it).
 *
 * - single: 128-bit SIMD, importing an ordinary memory (tfjs's SIMD binary).
 * - threaded: the same plus atomics, importing a shared memory (tfjs's threaded SIMD binary).
 *
 * No bulk-memory instructions in the code (memory.fill, memory.copy: what clang makes of memset,
 * memcpy and zeroing loops; the feature itself stays on, as wasm-ld requires it for a shared
 * memory): V8 checks their bounds against the memory size an instance last saw, which (as we
 * read it) a worker thread updates only when it next handles an interrupt after tfjs grew the
 * heap. A worker zeroing a fresh scratch buffer trapped there ("memory access out of bounds"),
 * died, and left the caller waiting for it forever: the trainer hung (3 times in about 25 runs of
 * the bundled trainer on a loaded machine; none in 160 after). Plain and SIMD loads and stores are bounds-checked by guard pages,
 * which every thread shares. `-fno-builtin` keeps clang from turning loops into memset; the build
 * refuses a module whose code has either instruction.
 *
 * Both import tfjs-backend-wasm's own memory and so must never write where tfjs has not pointed
 * them: the build refuses a module with a data section or code that touches a global (the C stack
 * pointer is one).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SOURCES = join(HERE, 'c');
const OUTPUT = join(HERE, 'module.generated.ts');
const CLANG = process.env.CLANG ?? 'clang';

const COMMON = [
  '--target=wasm32',
  '-O3',
  '-std=c11',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-nostdlib',
  '-fno-builtin',
  '-msimd128',
  '-mbulk-memory',
];
const LINK = ['-Wl,--no-entry', '-Wl,--import-memory', '-Wl,--strip-all'];
export const FLAVOURS = {
  single: [...COMMON, ...LINK],
  threaded: [...COMMON, '-matomics', '-DNC_THREADS', ...LINK, '-Wl,--shared-memory', '-Wl,--max-memory=4294967296'],
} as const;

function sourceFiles(): string[] {
  return readdirSync(SOURCES)
    .filter((f) => f.endsWith('.c') || f.endsWith('.h'))
    .sort();
}

/** What the generated module was built from: the C sources and the flags, hashed. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const f of sourceFiles())
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(SOURCES, f)))
      .update('\0');
  hash.update(JSON.stringify(FLAVOURS));
  return hash.digest('hex');
}

/** Refuses a module that would write memory tfjs did not hand it (see the header). */
function checkSelfContained(wasm: Uint8Array<ArrayBuffer>, name: string): void {
  const module = new WebAssembly.Module(wasm);
  if (WebAssembly.Module.customSections(module, 'name').length > 0) throw new Error(`${name}: unexpected name section`);
  const sections = new Set<number>();
  for (let at = 8; at < wasm.length;) {
    const id = wasm[at++]!;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = wasm[at++]!;
      size |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    sections.add(id);
    at += size;
  }
  if (sections.has(11) || sections.has(12)) throw new Error(`${name}: has a data section (static data would overwrite tfjs's heap)`);
  if (sections.has(8)) throw new Error(`${name}: has a start function`);
}

/** Refuses code that uses a global (the C stack pointer) or a bulk-memory instruction (see the header). */
export function checkCode(listing: string, name: string): void {
  const lines = listing.split('\n');
  const globals = lines.filter((line) => /\bglobal\.(get|set)\b/.test(line));
  if (globals.length > 0) throw new Error(`${name}: code uses a global (the C stack?):\n${globals.slice(0, 5).join('\n')}`);
  const bulk = lines.filter((line) => /\bmemory\.(fill|copy)\b/.test(line));
  if (bulk.length > 0)
    throw new Error(`${name}: code uses memory.fill or memory.copy (a worker thread may trap on them):\n${bulk.slice(0, 5).join('\n')}`);
}

function disassemble(file: string): string {
  return execFileSync('llvm-objdump', ['-d', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

export function build(): { single: Uint8Array<ArrayBuffer>; threaded: Uint8Array<ArrayBuffer> } {
  const dir = mkdtempSync(join(tmpdir(), 'netcanvas-wasm-'));
  try {
    const sources = sourceFiles()
      .filter((f) => f.endsWith('.c'))
      .map((f) => join(SOURCES, f));
    const out = {} as { single: Uint8Array<ArrayBuffer>; threaded: Uint8Array<ArrayBuffer> };
    for (const [name, flags] of Object.entries(FLAVOURS) as [keyof typeof FLAVOURS, readonly string[]][]) {
      const file = join(dir, `${name}.wasm`);
      execFileSync(CLANG, [...flags, '-o', file, ...sources], { stdio: ['ignore', 'inherit', 'inherit'] });
      const bytes = new Uint8Array(readFileSync(file));
      checkSelfContained(bytes, name);
      checkCode(disassemble(file), name);
      out[name] = bytes;
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function generated(modules: { single: Uint8Array; threaded: Uint8Array }): string {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return [
    '// Generated by `npm run build:wasm` from ./c — do not edit. `npm run build:wasm -- --check` verifies it.',
    `export const SOURCE_HASH = '${sourceHash()}';`,
    // Laid out as prettier lays it out, so that formatting the tree leaves the file as generated.
    `export const SINGLE_WASM =\n  '${b64(modules.single)}';`,
    `export const THREADED_WASM =\n  '${b64(modules.threaded)}';`,
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(fileURLToPath(import.meta.url))) {
  const text = generated(build());
  if (process.argv.includes('--check')) {
    const committed = readFileSync(OUTPUT, 'utf8');
    if (committed !== text) {
      process.stderr.write(`${OUTPUT} is out of date with ./c: run npm run build:wasm and commit the result\n`);
      process.exit(1);
    }
    process.stdout.write('module.generated.ts is up to date\n');
  } else {
    writeFileSync(OUTPUT, text);
    process.stdout.write(`wrote ${OUTPUT}\n`);
  }
}
