/**
 * Who threads the wasm backend. By default our kernel pool owns the cores and XNNPACK runs on one
 * thread (its idle workers poll for about a million iterations after every operator, on the core
 * our threads need); convolutions XNNPACK would have threaded run on our direct kernel instead.
 * NETCANVAS_WASM_POOL=xnnpack keeps the old arrangement, for benchmarks to compare. Each in a child
 * process, since a process initialises tfjs's backend once.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';

mkdirSync(resolve('node_modules/.cache'), { recursive: true });
const dir = mkdtempSync(resolve('node_modules/.cache/netcanvas-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const here = (path: string) => JSON.stringify(pathToFileURL(resolve(path)).href);

const BODY = `
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
const { selectBackend } = await import(${here('engine/train/backends/select.ts')});
const { nativeFor } = await import(${here('engine/train/backends/wasm-native/runtime.ts')});
const { directCalls } = await import(${here('engine/train/backends/wasm-native/direct.ts')});
const choice = await selectBackend('wasm');
const native = nativeFor(tf.backend());
const before = directCalls();
const y = tf.conv2d(tf.ones([64, 28, 28, 1]), tf.ones([5, 5, 1, 6]), 1, 'same');
const corner = y.dataSync()[0];
console.log(JSON.stringify({ detail: choice.detail, xnnpack: getThreadsCount(), ours: native.threads, owns: native.ownsThreads, direct: directCalls() - before, corner }));
`;

function run(env: Record<string, string>) {
  const file = join(dir, 'pool.mts');
  writeFileSync(file, BODY);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
    cwd: resolve('.'),
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NETCANVAS_WASM_THREADS: '2', ...env },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    detail: string;
    xnnpack: number;
    ours: number;
    owns: boolean;
    direct: number;
    corner: number;
  };
}

it('by default our pool owns both threads, XNNPACK runs on one, and a 5×5 conv runs on our direct kernel', () => {
  const r = run({});
  expect(r).toMatchObject({ xnnpack: 1, ours: 2, owns: true, direct: 1, corner: 9 });
  expect(r.detail).toMatch(/XNNPACK, SIMD, 2 threads, .*NetCanvas kernels on 2 threads \(XNNPACK on 1 thread\)/);
}, 90_000);

it('NETCANVAS_WASM_POOL=xnnpack gives XNNPACK its threads back and leaves it the convolutions', () => {
  const r = run({ NETCANVAS_WASM_POOL: 'xnnpack' });
  expect(r).toMatchObject({ xnnpack: 2, ours: 2, owns: false, direct: 0, corner: 9 });
  expect(r.detail).toMatch(/XNNPACK, SIMD, 2 threads, .*NetCanvas kernels on 2 threads(?! \(XNNPACK)/);
}, 90_000);
