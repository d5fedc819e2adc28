/**
 * WGSL programs of the fused training-mode batch normalisation (NHWC, statistics per channel
 * over the B·H·W rows of an [M, C] view). Sums run in two passes, each parallel:
 * `ColumnSumsProgram` gives each workgroup a chunk of rows and a block of channels (threads in a
 * row of the block read a row contiguously; the block's rows of threads share out the chunk's
 * rows and are summed in workgroup memory) and writes partial sums; a finalize program then sums
 * each channel's partials with a workgroup of its own. Everything stays on the GPU.
 *
 * Why both passes spread their loops: with a thread per channel walking its rows (or partials)
 * one after another, the residual CNN's 32 channels gave 16 k threads of 256 loads each, and 32
 * threads of 512: on a GPU, far too few loads in flight to cover memory latency.
 */
import { FlatProgram, type GpuProgram } from '../device/program';
import { COLUMN_THREADS, channelBlock, combineLanes } from './reductions';

/** Threads that sum one channel's partials in a finalize. */
const FINALIZE_THREADS = 128;

/**
 * Partial per-channel sums over a chunk of rows → [splits, 2, C].
 * `statistics`: Σx and Σx². `gradient`: Σdy and Σdy·x̂, with x̂ = (x − mean)·invStd from `stats`.
 */
export class ColumnSumsProgram implements GpuProgram {
  variableNames: string[];
  uniforms = 'rows : i32, channels : i32, chunk : i32,';
  workgroupSize: [number, number, number] = [COLUMN_THREADS, 1, 1];
  // Not flat (a y entry): main() reads workgroupId/localId itself.
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  shaderKey: string;
  outputShape: number[];
  private block: number;
  constructor(
    private mode: 'statistics' | 'gradient',
    channels: number,
    splits: number,
  ) {
    this.block = channelBlock(channels);
    this.variableNames = mode === 'statistics' ? ['x'] : ['dy', 'x', 'stats'];
    this.shaderKey = `ncColumnSums_${mode}_${this.block}`;
    this.outputShape = [splits, 2, channels];
    this.dispatch = [Math.ceil(channels / this.block), splits, 1];
  }
  getUserCode(): string {
    const block = this.block;
    const lanes = COLUMN_THREADS / block;
    const accumulate =
      this.mode === 'statistics'
        ? `let v = x[row * uniforms.channels + c]; a = a + v; b = b + v * v;`
        : `let g = dy[row * uniforms.channels + c];
           let xhat = (x[row * uniforms.channels + c] - mean) * invStd;
           a = a + g; b = b + g * xhat;`;
    const load = this.mode === 'statistics' ? '' : `let mean = stats[c]; let invStd = stats[uniforms.channels + c];`;
    return `
      var<workgroup> sums : array<vec2<f32>, ${COLUMN_THREADS}>;
      fn main() {
        let lid = i32(localIndex);
        let c = i32(workgroupId.x) * ${block} + lid % ${block};
        let lane = lid / ${block};
        let split = i32(workgroupId.y);
        let begin = split * uniforms.chunk;
        let end = min(uniforms.rows, begin + uniforms.chunk);
        var a = 0.0;
        var b = 0.0;
        if (c < uniforms.channels) {
          ${load}
          for (var row = begin + lane; row < end; row = row + ${lanes}) {
            ${accumulate}
          }
        }
        sums[lid] = vec2<f32>(a, b);
        ${combineLanes(block)}
        if (lane == 0 && c < uniforms.channels) {
          result[(split * 2) * uniforms.channels + c] = sums[lid].x;
          result[(split * 2 + 1) * uniforms.channels + c] = sums[lid].y;
        }
      }
    `;
  }
}

/**
 * WGSL that sums channel c's partials ([splits, 2, C]) over the splits with the workgroup's
 * FINALIZE_THREADS threads, leaving both totals in `total[0]`.
 */
const SUM_PARTIALS = `
        let lid = i32(localIndex);
        var s = vec2<f32>(0.0);
        for (var k = lid; k < uniforms.splits; k = k + ${FINALIZE_THREADS}) {
          s = s + vec2<f32>(partial[(k * 2) * uniforms.channels + c], partial[(k * 2 + 1) * uniforms.channels + c]);
        }
        total[lid] = s;
        workgroupBarrier();
        for (var half = ${FINALIZE_THREADS / 2}; half > 0; half = half / 2) {
          if (lid < half) { total[lid] = total[lid] + total[lid + half]; }
          workgroupBarrier();
        }`;

/** A program with one workgroup of FINALIZE_THREADS per channel. */
abstract class PerChannelProgram implements GpuProgram {
  variableNames = ['partial'];
  abstract uniforms: string;
  abstract shaderKey: string;
  workgroupSize: [number, number, number] = [FINALIZE_THREADS, 1, 1];
  // Not flat (a y entry): main() reads workgroupId/localId itself.
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  constructor(
    public outputShape: number[],
    channels: number,
  ) {
    this.dispatch = [channels, 1, 1];
  }
  abstract getUserCode(): string;
}

/** [splits, 2, C] partial Σx, Σx² → [3, C]: mean, 1/√(var+ε), biased var. */
export class StatisticsFinalizeProgram extends PerChannelProgram {
  uniforms = 'splits : i32, channels : i32, rows : f32, epsilon : f32,';
  shaderKey = 'ncBatchStatsFinalize';
  constructor(channels: number) {
    super([3, channels], channels);
  }
  getUserCode(): string {
    return `
      var<workgroup> total : array<vec2<f32>, ${FINALIZE_THREADS}>;
      fn main() {
        let c = i32(workgroupId.x);
        ${SUM_PARTIALS}
        if (lid == 0) {
          let mean = total[0].x / uniforms.rows;
          let variance = max(total[0].y / uniforms.rows - mean * mean, 0.0);
          result[c] = mean;
          result[uniforms.channels + c] = inverseSqrt(variance + uniforms.epsilon);
          result[2 * uniforms.channels + c] = variance;
        }
      }
    `;
  }
}

/** Picks one of the two partial sums, summed over chunks → [C] (0: Σdy = dβ, 1: Σdy·x̂ = dγ). */
export class GradientFinalizeProgram extends PerChannelProgram {
  uniforms = 'splits : i32, channels : i32, which : i32,';
  shaderKey = 'ncBatchGradFinalize';
  constructor(channels: number) {
    super([channels], channels);
  }
  getUserCode(): string {
    return `
      var<workgroup> total : array<vec2<f32>, ${FINALIZE_THREADS}>;
      fn main() {
        let c = i32(workgroupId.x);
        ${SUM_PARTIALS}
        if (lid == 0) { result[c] = total[0][uniforms.which]; }
      }
    `;
  }
}

/** y = (x − mean)·invStd·γ + β, elementwise over [M·C]. */
export class NormalizeProgram extends FlatProgram {
  variableNames = ['x', 'stats', 'gamma', 'beta'];
  uniforms = 'channels : i32,';
  shaderKey = 'ncBatchNormalize';
  constructor(outputShape: number[]) {
    super(outputShape, 256);
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let c = index % uniforms.channels;
        let v = (x[index] - stats[c]) * stats[uniforms.channels + c] * gamma[c] + beta[c];
        setOutputAtIndex(index, v);
      }
    `;
  }
}

/** dx = γ·invStd·(dy − dβ/M − x̂·dγ/M), elementwise over [M·C]. */
export class InputGradientProgram extends FlatProgram {
  variableNames = ['dy', 'x', 'stats', 'gamma', 'dbeta', 'dgamma'];
  uniforms = 'channels : i32, rows : f32,';
  shaderKey = 'ncBatchNormInputGrad';
  constructor(outputShape: number[]) {
    super(outputShape, 256);
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let c = index % uniforms.channels;
        let invStd = stats[uniforms.channels + c];
        let xhat = (x[index] - stats[c]) * invStd;
        let v = gamma[c] * invStd * (dy[index] - dbeta[c] / uniforms.rows - xhat * dgamma[c] / uniforms.rows);
        setOutputAtIndex(index, v);
      }
    `;
  }
}
