/**
 * `npm run bench:check`: the checker runs on every keystroke in the editor, so it must be fast
 * on big graphs. Checks a generated 1,000-node residual graph repeatedly and prints the median.
 * Target: median < 5 ms.
 */
import { performance } from 'node:perf_hooks';
import { checkGraph } from '../engine/check/checkGraph';
import { generatedGraph } from '../test/helpers/reference-nets';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

for (const size of [300, 1000]) {
  const doc = generatedGraph(size);
  const first = checkGraph(doc);
  if (!first.ok || doc.nodes.length !== size) throw new Error(`generated graph is not a valid ${size}-node graph`);
  for (let i = 0; i < 50; i++) checkGraph(doc); // warm up the JIT
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    checkGraph(doc);
    times.push(performance.now() - t0);
  }
  const p90 = [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.9)]!;
  console.log(`checkGraph on ${size} nodes: median ${median(times).toFixed(2)} ms, p90 ${p90.toFixed(2)} ms (${times.length} runs)`);
}
