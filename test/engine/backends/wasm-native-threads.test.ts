/**
 * A kernel thread that traps must not freeze training. The caller of a threaded job waits for
 * every worker, and while it waits its event loop cannot run, so nothing else would ever tell it
 * that a worker died: before, the trainer hung for good (the bundled trainer, 3 times in ~25 loaded runs,
 * a worker trapping in memory.fill after tfjs grew its heap). Now the worker's host checks in for
 * it and the call fails with words; later jobs run on the caller alone. Run in a child process with
 * a time limit, since the hang this guards against would otherwise hang the test runner too.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { checkCode } from '../../../engine/train/backends/wasm-native/build';
import { SINGLE_WASM, THREADED_WASM } from '../../../engine/train/backends/wasm-native/module.generated';

mkdirSync(resolve('node_modules/.cache'), { recursive: true });
const dir = mkdtempSync(resolve('node_modules/.cache/netcanvas-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const here = (path: string) => JSON.stringify(pathToFileURL(resolve(path)).href);

// The worker's share of a ReLU gradient writes past the end of memory (a trap), the caller's share
// just inside it; then the same kernel on good buffers.
const BODY = `
import * as tf from '@tensorflow/tfjs';
const { selectBackend } = await import(${here('engine/train/backends/select.ts')});
const { nativeFor } = await import(${here('engine/train/backends/wasm-native/runtime.ts')});
await selectBackend('wasm');
const native = nativeFor(tf.backend());
if (native == null || native.setThreads(2) < 2) { console.log(JSON.stringify({ skip: 'no threaded kernels here' })); process.exit(0); }
const n = 1 << 20;
const a = tf.ones([n]), b = tf.ones([n]), out = tf.zeros([n]);
const end = native.memory.buffer.byteLength;
let thrown = null;
try {
  native.exports.nc_relu_grad(native.pool, native.ptr(a), native.ptr(b), end - (n / 2) * 4, n);
} catch (e) {
  thrown = e.message;
}
native.exports.nc_relu_grad(native.pool, native.ptr(a), native.ptr(b), native.ptr(out), n);
const values = out.dataSync();
console.log(JSON.stringify({ thrown, after: { threads: native.lastJobThreads(), sum: values.reduce((s, v) => s + v, 0) } }));
`;

it('a worker that traps mid-job: the call fails in words instead of hanging, and the next job runs on the caller', () => {
  const file = join(dir, 'dead-worker.mts');
  writeFileSync(file, BODY);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: resolve('.'), encoding: 'utf8', timeout: 60_000 });
  expect(r.signal, `the child hung (killed by ${r.signal}): the caller waited forever for a dead worker\n${r.stderr}`).toBeNull();
  expect(r.status, r.stderr).toBe(0);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    skip?: string;
    thrown: string;
    after: { threads: number; sum: number };
  };
  if (result.skip) return; // single-threaded tfjs build: there is no pool to lose a worker from
  expect(result.thrown).toMatch(/^a CPU kernel thread stopped .*Train again; if it happens again, set NETCANVAS_WASM_THREADS=1/);
  expect(r.stderr).toMatch(/NetCanvas kernel thread 1 stopped: RuntimeError: memory access out of bounds/);
  expect(result.after).toEqual({ threads: 1, sum: 1 << 20 });
}, 90_000);

// The cause of that trap: V8 checks memory.fill's and memory.copy's bounds against the memory size
// the worker last saw, and a worker sees tfjs's heap grow late. Plain loads and stores are safe.
it('the kernels hold no memory.fill or memory.copy, and the build refuses code that does', (ctx) => {
  expect(() => checkCode('    3a97: fc 0b 00     \tmemory.fill\t0', 'threaded')).toThrow(/memory\.fill or memory\.copy/);
  expect(() => checkCode('    12: 23 00     \tglobal.get\t0', 'threaded')).toThrow(/uses a global/);
  const objdump = spawnSync('llvm-objdump', ['--version']);
  if (objdump.status !== 0) ctx.skip('no llvm-objdump here (apt install llvm)');
  for (const [name, base64] of [
    ['single', SINGLE_WASM],
    ['threaded', THREADED_WASM],
  ] as const) {
    const file = join(dir, `${name}.wasm`);
    writeFileSync(file, Buffer.from(base64, 'base64'));
    const listing = spawnSync('llvm-objdump', ['-d', file], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
    expect(listing).toMatch(/i32\.load|v128\.load/);
    expect(() => checkCode(listing, name)).not.toThrow();
  }
});
