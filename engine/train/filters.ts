/**
 * The filters a student can look at: the kernels of each conv layer that reads the input image
 * directly. Those are pictures in the input's own space (grey, or RGB), so the lecture's
 * "convolution as learned filters" can be seen: noise at the start, edge and stroke detectors
 * after training. Deeper layers' kernels mix feature maps and mean little drawn as images.
 *
 * @example
 *   const before = await inputFilters(compiled, graph); // [{ nodeId: 'C1', shape: [5, 5, 1, 6], values: [...150] }]
 */
import type { CompiledGraph } from '../compile/compile';
import { nodeWeights } from '../compile/weights';
import type { GraphDoc } from '../graph/types';
import type { LayerFilters } from './protocol';

/** Kernels larger than this are left out: an event carries them, and nobody reads 10,000 filters. */
const MAX_VALUES = 16_384;

export async function inputFilters(compiled: CompiledGraph, graph: GraphDoc): Promise<LayerFilters[]> {
  const inputId = compiled.check.inputId;
  if (inputId == null) return [];
  const out: LayerFilters[] = [];
  const weights = nodeWeights(compiled);
  // A set, not a search of every edge per node: linear on a 10,000-node graph.
  const readsInput = new Set(graph.edges.filter((e) => e.source === inputId).map((e) => e.target));
  for (const node of graph.nodes) {
    if (node.type !== 'conv2d' || !readsInput.has(node.id)) continue;
    const kernel = weights
      .get(node.id)
      ?.find((w) => w.spec.role === 'kernel')
      ?.variable.read();
    if (kernel == null || kernel.rank !== 4 || kernel.size > MAX_VALUES) continue;
    const [kh, kw, inC, outC] = kernel.shape as [number, number, number, number];
    if (inC !== 1 && inC !== 3) continue; // not an image's channels
    // Async: on WebGPU only async reads work. Six digits are plenty for a picture, and halve the event.
    const values = Array.from((await kernel.data()) as Float32Array, (v) => Number(v.toPrecision(6)));
    out.push({ nodeId: node.id, shape: [kh, kw, inC, outC], values });
  }
  return out;
}
