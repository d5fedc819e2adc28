/**
 * A full WebAssembly heap fails with words. tfjs-backend-wasm never checks malloc: when its heap
 * (4 GiB at most) is full, malloc answers 0 and the kernel writes its output over the heap's first
 * bytes — tfjs's own data and our kernel pool's control block. Training then hung for good (our
 * pool waited for a job count that had been overwritten) or died on "table index is out of
 * bounds". Guarded, the allocation throws, nothing is written, and the trainer reports it.
 */
export const WASM_HEAP_FULL =
  'out of memory: the CPU (WebAssembly) backend holds at most 4 GiB and this step needed more. ' +
  'Use a smaller batch size, smaller images or fewer filters';

interface Module {
  _malloc(bytes: number): number;
  asm?: { malloc?: (bytes: number) => number };
}

const guarded = new WeakSet<object>();

/** Makes tfjs's malloc (every tensor's, every kernel output's, our scratch's) throw WASM_HEAP_FULL instead of answering 0. */
export function guardHeap(backend: unknown): void {
  const module = (backend as { wasm?: Module }).wasm;
  if (module == null || guarded.has(module)) return;
  // The raw export: Module._malloc is a stub that replaces itself with it on first call, and would
  // replace a wrapper around the stub too.
  const malloc = module.asm?.malloc ?? module._malloc;
  module._malloc = (bytes: number) => {
    const ptr = malloc(bytes);
    if (ptr === 0 && bytes > 0) throw new Error(WASM_HEAP_FULL);
    return ptr;
  };
  guarded.add(module);
}
