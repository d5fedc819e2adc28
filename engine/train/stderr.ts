/**
 * The line of a dead trainer's stderr worth quoting as the reason it died. Native libraries print
 * on their own while a trainer starts — Dawn's "Warning: Couldn't load Vulkan …" and its
 * "at operator() (…BackendVk.cpp:368)" frame, the Vulkan loader, tfjs's "Hi, looks like you are
 * running TensorFlow.js in Node.js" banner, Node's own warnings — and a trainer killed later
 * (out of memory, Ctrl-C, a crash) must not be reported as having died of one of them.
 *
 * @example
 *   causeLine('Warning: Couldn\'t load Vulkan: libvulkan.so.1: cannot open …\n    at operator() (…)\n'); // undefined
 *   causeLine('…\nError: out of memory\n    at f (x.js:1)\n'); // 'Error: out of memory'
 */

/** Lines printed by libraries as they load, never the cause of a failure. */
const NOISE: readonly RegExp[] = [
  /^\s+at /, // stack frames, Dawn's "at operator() (…)" included
  /^Warning: /, // Dawn's log lines ("Warning: Couldn't load Vulkan…", "…artificially reduced…")
  /^vkCreateInstance: /, // the Vulkan loader
  /^=+$/, // tfjs's banner rule
  /^Hi,? (there )?.*looks like you are running TensorFlow\.js in Node\.js/i,
  /^\(node:\d+\) \w*Warning: /, // Node's process warnings
  /^\(Use `node --trace-/,
];

export function isLibraryNoise(line: string): boolean {
  return NOISE.some((re) => re.test(line));
}

/** The last line of `stderr` that is not library noise, trimmed; undefined when there is none. */
export function causeLine(stderr: string): string | undefined {
  return stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !isLibraryNoise(l))
    .pop()
    ?.trim();
}
