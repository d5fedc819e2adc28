/**
 * Reduction programs shared by several kernels. On a GPU a sum must keep many loads in flight:
 * one thread walking hundreds of values one after another leaves the memory system idle, so
 * each of these shares every output's values among several threads and adds their parts in
 * workgroup memory.
 */
import type { GpuProgram } from '../device/program';

/** Threads of a column-sum workgroup: a block of columns times rows of threads (lanes). */
export const COLUMN_THREADS = 256;
/** Rows one thread adds up in a column sum before the workgroup combines them. */
const ROWS_PER_THREAD = 16;
/**
 * Most chunks a sum is cut into: a dispatch dimension may not pass 65,535 workgroups, and a
 * finalize's threads each add up splits / 128 partials.
 */
export const MAX_SPLITS = 4096;
/** Workgroups from the outer rows and channel blocks alone that make cutting mid unnecessary. */
const UNCUT_WORKGROUPS = 64;
/** WebGPU's guaranteed maxComputeWorkgroupsPerDimension. */
export const MAX_WORKGROUPS = 65535;

/**
 * A dispatch of `count` workgroups that keeps every dimension within MAX_WORKGROUPS (tfjs-webgpu
 * folds only flat programs' dispatches): the shader numbers its workgroup
 * `workgroupId.y * numWorkgroups.x + workgroupId.x` and skips numbers from `count` on.
 */
export function foldedDispatch(count: number): [number, number, number] {
  if (count <= MAX_WORKGROUPS) return [count, 1, 1];
  const x = Math.ceil(Math.sqrt(count));
  return [x, Math.ceil(count / x), 1];
}

/** Cuts `total` rows into chunks of at least `minChunk` rows, at most MAX_SPLITS of them. */
export function cut(total: number, minChunk: number): { splits: number; chunk: number } {
  const chunk = Math.max(minChunk, Math.ceil(total / MAX_SPLITS));
  return { splits: Math.max(1, Math.ceil(total / chunk)), chunk };
}

/** Channels per workgroup (a power of two ≥ C, at most 64); the rest of its 256 threads share out rows. */
export function channelBlock(channels: number): number {
  let block = 1;
  while (block < channels && block < 64) block *= 2;
  return block;
}

/** Chunks of rows for a column sum over `columns` columns: ROWS_PER_THREAD rows per lane. */
export function columnChunks(rows: number, columns: number): { splits: number; chunk: number } {
  return cut(rows, (COLUMN_THREADS / channelBlock(columns)) * ROWS_PER_THREAD);
}

/**
 * WGSL that adds up `sums` (one entry per thread, this thread's part already in it) over the
 * workgroup's lanes, leaving each column's total in lane 0's entry. Expects `lid` (the local
 * index) and `lane` (lid / block) in scope.
 */
export function combineLanes(block: number): string {
  return `
        workgroupBarrier();
        for (var half = ${COLUMN_THREADS / block / 2}; half > 0; half = half / 2) {
          if (lane < half) { sums[lid] = sums[lid] + sums[lid + half * ${block}]; }
          workgroupBarrier();
        }`;
}

const SUM_OUTPUTS = 64; // outputs per summing workgroup…
const SUM_LANES = 4; // …each summed by 4 threads, a quarter of the rows each

/** Sums a [splits, n] array over its rows into n outputs, times `scale`. */
export class SumRowsProgram implements GpuProgram {
  variableNames = ['partial'];
  uniforms = 'splits : i32, n : i32, scale : f32,';
  shaderKey = 'ncSumRows';
  workgroupSize: [number, number, number] = [SUM_OUTPUTS * SUM_LANES, 1, 1];
  // Not flat (a y entry): main() reads workgroupId/localId itself.
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  constructor(
    public outputShape: number[],
    n: number,
  ) {
    this.dispatch = foldedDispatch(Math.ceil(n / SUM_OUTPUTS));
  }
  getUserCode(): string {
    return `
      var<workgroup> sums : array<f32, ${SUM_OUTPUTS * SUM_LANES}>;
      fn main() {
        let lid = i32(localIndex);
        // Past 65,535 workgroups the dispatch is folded into 2-D (foldedDispatch).
        let workgroup = i32(workgroupId.y * numWorkgroups.x + workgroupId.x);
        let index = workgroup * ${SUM_OUTPUTS} + lid % ${SUM_OUTPUTS};
        let lane = lid / ${SUM_OUTPUTS};
        var s = 0.0;
        if (index < uniforms.n) {
          for (var k = lane; k < uniforms.splits; k = k + ${SUM_LANES}) {
            s = s + partial[k * uniforms.n + index];
          }
        }
        sums[lid] = s;
        workgroupBarrier();
        if (lane == 0 && index < uniforms.n) {
          var total = 0.0;
          for (var l = 0; l < ${SUM_LANES}; l = l + 1) { total = total + sums[l * ${SUM_OUTPUTS} + lid]; }
          result[index] = total * uniforms.scale;
        }
      }
    `;
  }
}

/** How a middle-axis sum of an [outer, mid, inner] view is cut: `splits` chunks of `chunk` rows. */
export function middlePlan(outer: number, mid: number, inner: number): { splits: number; chunk: number } {
  const block = channelBlock(inner);
  // With enough outer rows there are workgroups enough without cutting mid (a global average
  // pool: one per image); with few (a bias gradient: one), mid is cut so that threads stay busy.
  if (outer * Math.ceil(inner / block) >= UNCUT_WORKGROUPS) return { splits: 1, chunk: mid };
  return columnChunks(mid, inner);
}

/**
 * Sums an [outer, mid, inner] view over mid, one chunk of mid per workgroup row (workgroup y),
 * into [splits, outer, inner] (the chunks outermost, so that SumRowsProgram finishes them as
 * [splits, outer·inner]), times `scale`. Threads in a row of the workgroup read a row of
 * `inner` contiguously; the workgroup's rows of threads share out the chunk's rows.
 */
export class MiddleSumsProgram implements GpuProgram {
  variableNames = ['x'];
  uniforms = 'mid : i32, inner : i32, chunk : i32, splits : i32, scale : f32,';
  workgroupSize: [number, number, number] = [COLUMN_THREADS, 1, 1];
  // Not flat (a y entry): main() reads workgroupId/localId itself.
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  shaderKey: string;
  private block: number;
  constructor(
    public outputShape: number[],
    outer: number,
    inner: number,
    splits: number,
  ) {
    this.block = channelBlock(inner);
    this.shaderKey = `ncMiddleSums_${this.block}`;
    this.dispatch = [Math.ceil(inner / this.block), splits, outer];
  }
  getUserCode(): string {
    const block = this.block;
    const lanes = COLUMN_THREADS / block;
    return `
      var<workgroup> sums : array<f32, ${COLUMN_THREADS}>;
      fn main() {
        let lid = i32(localIndex);
        let c = i32(workgroupId.x) * ${block} + lid % ${block};
        let lane = lid / ${block};
        let split = i32(workgroupId.y);
        let o = i32(workgroupId.z);
        let begin = split * uniforms.chunk;
        let end = min(uniforms.mid, begin + uniforms.chunk);
        var s = 0.0;
        if (c < uniforms.inner) {
          let base = o * uniforms.mid * uniforms.inner + c;
          for (var row = begin + lane; row < end; row = row + ${lanes}) {
            s = s + x[base + row * uniforms.inner];
          }
        }
        sums[lid] = s;
        ${combineLanes(block)}
        if (lane == 0 && c < uniforms.inner) {
          result[(split * i32(numWorkgroups.z) + o) * uniforms.inner + c] = sums[lid] * uniforms.scale;
        }
      }
    `;
  }
}
