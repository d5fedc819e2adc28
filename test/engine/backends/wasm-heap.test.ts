/**
 * A full WebAssembly heap (4 GiB) fails with words, loses nothing, and the backend goes on working.
 * Before, tfjs's malloc answered 0 and the next kernel wrote its output over the heap's first bytes:
 * training hung for good with our kernel pool (its control block overwritten) or died on "table
 * index is out of bounds". In a child process with a time limit: the old failure was a hang.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';

mkdirSync(resolve('node_modules/.cache'), { recursive: true });
const dir = mkdtempSync(resolve('node_modules/.cache/netcanvas-heap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const here = (path: string) => JSON.stringify(pathToFileURL(resolve(path)).href);

// Fill the heap with 256 MiB blocks, then run convolutions (ours and XNNPACK's) until one fails.
const BODY = `
import * as tf from '@tensorflow/tfjs';
const { selectBackend } = await import(${here('engine/train/backends/select.ts')});
await selectBackend('wasm');
const x = tf.randomNormal([64, 28, 28, 8]), f = tf.randomNormal([5, 5, 8, 6]);
const expected = tf.conv2d(x, f, 1, 'same').sum().dataSync()[0];
const blocks = [];
let thrown = null;
try {
  for (let i = 0; i < 64; i++) blocks.push(tf.zeros([1 << 26]));
} catch (e) {
  thrown = e.message;
}
let kernelThrown = null;
try {
  for (let i = 0; i < 100000; i++) blocks.push(tf.conv2d(x, f, 1, 'same'));
} catch (e) {
  kernelThrown = e.message;
}
const full = blocks.length;
for (const b of blocks) b.dispose();
const after = tf.conv2d(x, f, 1, 'same').sum().dataSync()[0];
console.log(JSON.stringify({ thrown, kernelThrown, full, same: after === expected }));
`;

it('a full heap: the allocation and the kernel throw WASM_HEAP_FULL, and after freeing, the same conv gives the same answer', () => {
  const file = join(dir, 'heap.mts');
  writeFileSync(file, BODY);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: resolve('.'), encoding: 'utf8', timeout: 120_000 });
  expect(r.signal, `the child hung (killed by ${r.signal})\n${r.stderr}`).toBeNull();
  expect(r.status, r.stderr).toBe(0);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as { thrown: string; kernelThrown: string; full: number; same: boolean };
  expect(result.thrown).toMatch(/^out of memory: the CPU \(WebAssembly\) backend holds at most 4 GiB/);
  expect(result.kernelThrown).toMatch(/^out of memory: /);
  expect(result.same).toBe(true);
}, 150_000);
