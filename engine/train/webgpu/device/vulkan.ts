/**
 * Whether Dawn can find a GPU on Linux, answered without asking Dawn. Asked on a machine without
 * Vulkan, Dawn's native code writes "Warning: Couldn't load Vulkan: libvulkan.so.1 …" and an
 * "at operator() (…BackendVk.cpp:368)" line straight to the process's stderr — no JavaScript can
 * catch it — onto the terminal of `netcanvas evaluate --backend webgpu` or a benchmark, and into a
 * trainer's last words. Dawn's Linux GPU path is Vulkan only, so with no Vulkan loader, or a
 * loader and no driver, there is no adapter to find: the probe says so in one line instead.
 *
 * @example
 *   vulkanProblem(); // null where a GPU driver is installed; on a bare server:
 *   // 'no WebGPU adapter: Vulkan is not installed here (libvulkan.so.1 not found; a GPU driver with Vulkan support brings it)'
 */
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface VulkanProbe {
  readonly platform?: NodeJS.Platform;
  readonly env?: NodeJS.ProcessEnv;
  /** Whether the dynamic linker can load `lib` (default: dlopen through process.dlopen). */
  readonly loadable?: (lib: string) => boolean;
  /** The entries of a folder (default: the file system): driver manifests, GPU device nodes. */
  readonly list?: (dir: string) => string[];
}

const LOADER = 'libvulkan.so.1';

/** dlopen as Dawn does; a library that opens but is no Node addon is still "loadable". */
function dlopenable(lib: string): boolean {
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, lib);
    return true;
  } catch (err) {
    return !/cannot open shared object file|No such file/i.test((err as Error).message);
  }
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Where the Vulkan loader looks for driver manifests (its Linux search order, XDG defaults filled in). */
export function driverManifestDirs(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? homedir();
  const configDirs = [env.XDG_CONFIG_HOME ?? join(home, '.config'), ...(env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(':'), '/etc'];
  const dataDirs = [env.XDG_DATA_HOME ?? join(home, '.local', 'share'), ...(env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':')];
  return [...configDirs, ...dataDirs].filter((d) => d !== '').map((d) => join(d, 'vulkan', 'icd.d'));
}

/** Why Dawn would find no GPU here, or null when it may (and Dawn should be asked). */
export function vulkanProblem(probe: VulkanProbe = {}): string | null {
  const platform = probe.platform ?? process.platform;
  if (platform !== 'linux') return null;
  const env = probe.env ?? process.env;
  if (!(probe.loadable ?? dlopenable)(LOADER)) {
    return `no WebGPU adapter: Vulkan is not installed here (${LOADER} not found; a GPU driver with Vulkan support brings it)`;
  }
  // Drivers named explicitly: the loader takes those, so leave the answer to Dawn.
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES || env.VK_ADD_DRIVER_FILES) return null;
  const dirs = driverManifestDirs(env);
  const list = probe.list ?? entries;
  if (dirs.some((d) => list(d).some((f) => f.endsWith('.json')))) return null;
  return `no WebGPU adapter: no Vulkan driver is installed (${LOADER} is, but no driver is listed in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d)`;
}

/**
 * Without a GPU device node (a render node in /dev/dri, NVIDIA's /dev/nvidia0, WSL's /dev/dxg) only a
 * software Vulkan driver (lavapipe, SwiftShader) could answer, which the automatic choice passes over
 * anyway — and an old one makes Dawn print its own warnings while refusing it. So the automatic
 * choice skips Dawn there; `--backend webgpu` still asks it.
 */
export function gpuDeviceProblem(probe: VulkanProbe = {}): string | null {
  if ((probe.platform ?? process.platform) !== 'linux') return null;
  const list = probe.list ?? entries;
  // NVIDIA's /dev/nvidiaN (a container may see only /dev/nvidia1), WSL's /dev/dxg, AMD's /dev/kfd.
  if (list('/dev').some((f) => /^(nvidia\d+|dxg|kfd)$/.test(f)) || list('/dev/dri').some((f) => f.startsWith('renderD'))) return null;
  return 'no WebGPU adapter: no GPU device here (no render node in /dev/dri, no /dev/nvidia0)';
}
