/**
 * Native libraries' own prints stay off the terminal; what they mean arrives once, as the backend
 * report's one line. Dawn writes its warnings from native code straight to the process's stderr
 * (no JavaScript can catch them), so the real check runs the backend choice in a child process and
 * reads that process's stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { causeLine } from '../../../engine/train/stderr';
import { driverManifestDirs, gpuDeviceProblem, vulkanProblem } from '../../../engine/train/webgpu/device/vulkan';

const NOISE = /Couldn't load Vulkan|BackendVk|vkCreateInstance|artificially reduced|looks like you are running TensorFlow|={10,}/;
// Inside the repo, so the child's bare imports resolve node_modules.
mkdirSync(resolve('node_modules/.cache'), { recursive: true });
const dir = mkdtempSync(resolve('node_modules/.cache/netcanvas-quiet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` (an ES module with `select` in scope) under Node + tsx; its stdout and stderr. */
function child(body: string, env: Record<string, string> = {}): { stdout: string; stderr: string; status: number | null } {
  const select = pathToFileURL(resolve('engine/train/backends/select.ts')).href;
  const file = join(dir, `child-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(file, `import * as tf from '@tensorflow/tfjs';\nconst select = await import(${JSON.stringify(select)});\n${body}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
    cwd: resolve('.'),
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('the backend choice, as a terminal shows it', () => {
  it('--backend cpu: no tfjs "Hi, looks like you are running TensorFlow.js in Node.js" banner', () => {
    const r = child(`await select.selectBackend('cpu'); console.log(tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);`);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('3');
    expect(r.stderr).not.toMatch(NOISE);
  }, 120_000);

  it("the automatic choice and --backend webgpu: Dawn's warnings never printed, the reason said once", () => {
    const r = child(
      `console.log(select.describeChoice(await select.selectBackend()));
       try { await select.selectBackend('webgpu'); console.log('webgpu: ok'); } catch (e) { console.log('webgpu: ' + e.message); }`,
    );
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(NOISE);
    const reasons = r.stdout.split('\n').filter((l) => /webgpu/.test(l));
    expect(reasons.length).toBeGreaterThan(0);
    // Where Dawn has no GPU here, the report says which part is missing.
    if (vulkanProblem() != null) expect(r.stdout).toContain(vulkanProblem()!);
  }, 120_000);
});

describe('vulkanProblem and gpuDeviceProblem (Linux)', () => {
  const linux = { platform: 'linux' as const, env: { HOME: '/home/s' } };
  it('no Vulkan loader: says so without asking Dawn', () => {
    expect(vulkanProblem({ ...linux, loadable: () => false })).toMatch(/Vulkan is not installed here \(libvulkan\.so\.1 not found/);
  });
  it('a loader without any driver manifest: no Vulkan driver', () => {
    expect(vulkanProblem({ ...linux, loadable: () => true, list: () => [] })).toMatch(/no Vulkan driver is installed/);
  });
  it('a driver manifest where the loader looks (XDG dirs included), or drivers named in VK_*: ask Dawn', () => {
    const at = (where: string) => (d: string) => (d === where ? ['nvidia_icd.json'] : []);
    expect(vulkanProblem({ ...linux, loadable: () => true, list: at('/usr/share/vulkan/icd.d') })).toBeNull();
    expect(vulkanProblem({ ...linux, loadable: () => true, list: at('/etc/vulkan/icd.d') })).toBeNull();
    expect(vulkanProblem({ ...linux, loadable: () => true, list: at('/home/s/.local/share/vulkan/icd.d') })).toBeNull();
    const nix = { ...linux.env, XDG_DATA_DIRS: '/run/opengl-driver/share' };
    expect(driverManifestDirs(nix)).toContain('/run/opengl-driver/share/vulkan/icd.d');
    expect(
      vulkanProblem({ ...linux, env: { ...linux.env, VK_ICD_FILENAMES: '/x/icd.json' }, loadable: () => true, list: () => [] }),
    ).toBeNull();
  });
  it('other systems: always Dawn', () => {
    expect(vulkanProblem({ platform: 'darwin', loadable: () => false })).toBeNull();
    expect(gpuDeviceProblem({ platform: 'win32', list: () => [] })).toBeNull();
  });
  it('GPU device nodes: a render node, NVIDIA (any index), WSL, ROCm; none: no GPU device', () => {
    const devices =
      (dev: string[], dri: string[] = []) =>
      (d: string) =>
        d === '/dev' ? dev : d === '/dev/dri' ? dri : [];
    expect(gpuDeviceProblem({ platform: 'linux', list: devices([], ['card0', 'renderD128']) })).toBeNull();
    expect(gpuDeviceProblem({ platform: 'linux', list: devices(['nvidiactl', 'nvidia3']) })).toBeNull();
    expect(gpuDeviceProblem({ platform: 'linux', list: devices(['dxg']) })).toBeNull();
    expect(gpuDeviceProblem({ platform: 'linux', list: devices(['kfd']) })).toBeNull();
    expect(gpuDeviceProblem({ platform: 'linux', list: devices(['nvidiactl', 'null'], ['card0']) })).toMatch(/no GPU device here/);
  });
});

describe("a dead trainer's last words", () => {
  it('skip library noise: Dawn, the Vulkan loader, the tfjs banner, Node warnings', () => {
    const dawn = [
      "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory",
      '    at operator() (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)',
      '',
    ].join('\n');
    expect(causeLine(dawn)).toBeUndefined();
    const banner =
      '\n============================\nHi, looks like you are running TensorFlow.js in Node.js. To speed things up dramatically, install our node backend, visit https://github.com/tensorflow/tfjs-node for more details. \n============================\n';
    expect(causeLine(`FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n${dawn}${banner}`)).toBe(
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    );
    expect(
      causeLine('vkCreateInstance: Found no drivers!\n(node:12) ExperimentalWarning: x\n(Use `node --trace-warnings ...` to show where)\n'),
    ).toBeUndefined();
    expect(causeLine('Error: out of memory\n    at f (x.js:1:1)\n')).toBe('Error: out of memory');
  });
});
