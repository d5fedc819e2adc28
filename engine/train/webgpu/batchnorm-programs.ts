/**
 * WGSL programs of the fused training-mode batch normalisation (NHWC, statistics per channel
 * over the B·H·W rows of an [M, C] view). Sums run in two passes: `ColumnSumsProgram` gives
 * each workgroup a chunk of rows (threads = channels, so a row is read contiguously) and writes
 * partial sums; a finalize program reduces the chunks per channel. Everything stays on the GPU.
 */
import { FlatProgram, type GpuProgram } from './program';

const CHANNELS_PER_WORKGROUP = 64;

/** Chunks of rows for the column sums: enough workgroups to fill a GPU, each a few hundred rows. */
export function rowSplits(rows: number): { splits: number; chunk: number } {
  const splits = Math.max(1, Math.min(512, Math.ceil(rows / 64)));
  const chunk = Math.ceil(rows / splits);
  return { splits: Math.ceil(rows / chunk), chunk };
}

/**
 * Partial per-channel sums over a chunk of rows → [splits, 2, C].
 * `statistics`: Σx and Σx². `gradient`: Σdy and Σdy·x̂, with x̂ = (x − mean)·invStd from `stats`.
 */
export class ColumnSumsProgram implements GpuProgram {
  variableNames: string[];
  uniforms = 'rows : i32, channels : i32, chunk : i32,';
  workgroupSize: [number, number, number] = [CHANNELS_PER_WORKGROUP, 1, 1];
  // Not flat (a y entry): main() reads workgroupId/localId itself.
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  shaderKey: string;
  outputShape: number[];
  constructor(
    private mode: 'statistics' | 'gradient',
    channels: number,
    splits: number,
  ) {
    this.variableNames = mode === 'statistics' ? ['x'] : ['dy', 'x', 'stats'];
    this.shaderKey = `ncColumnSums_${mode}`;
    this.outputShape = [splits, 2, channels];
    this.dispatch = [Math.ceil(channels / CHANNELS_PER_WORKGROUP), splits, 1];
  }
  getUserCode(): string {
    const accumulate =
      this.mode === 'statistics'
        ? `let v = x[row * uniforms.channels + c]; a = a + v; b = b + v * v;`
        : `let g = dy[row * uniforms.channels + c];
           let xhat = (x[row * uniforms.channels + c] - mean) * invStd;
           a = a + g; b = b + g * xhat;`;
    const load = this.mode === 'statistics' ? '' : `let mean = stats[c]; let invStd = stats[uniforms.channels + c];`;
    return `
      fn main() {
        let c = i32(workgroupId.x) * ${CHANNELS_PER_WORKGROUP} + i32(localId.x);
        let split = i32(workgroupId.y);
        if (c >= uniforms.channels) { return; }
        ${load}
        let begin = split * uniforms.chunk;
        let end = min(uniforms.rows, begin + uniforms.chunk);
        var a = 0.0;
        var b = 0.0;
        for (var row = begin; row < end; row = row + 1) {
          ${accumulate}
        }
        result[(split * 2) * uniforms.channels + c] = a;
        result[(split * 2 + 1) * uniforms.channels + c] = b;
      }
    `;
  }
}

/** [splits, 2, C] partial Σx, Σx² → [3, C]: mean, 1/√(var+ε), biased var. One thread per channel. */
export class StatisticsFinalizeProgram extends FlatProgram {
  variableNames = ['partial'];
  uniforms = 'splits : i32, channels : i32, rows : f32, epsilon : f32,';
  shaderKey = 'ncBatchStatsFinalize';
  constructor(channels: number) {
    super([3, channels], 64, [channels]);
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        let c = index;
        if (c >= uniforms.channels) { return; }
        var s = 0.0;
        var q = 0.0;
        for (var k = 0; k < uniforms.splits; k = k + 1) {
          s = s + partial[(k * 2) * uniforms.channels + c];
          q = q + partial[(k * 2 + 1) * uniforms.channels + c];
        }
        let mean = s / uniforms.rows;
        let variance = max(q / uniforms.rows - mean * mean, 0.0);
        setOutputAtIndex(c, mean);
        setOutputAtIndex(uniforms.channels + c, inverseSqrt(variance + uniforms.epsilon));
        setOutputAtIndex(2 * uniforms.channels + c, variance);
      }
    `;
  }
}

/** Picks one of the two partial sums, summed over chunks → [C] (0: Σdy = dβ, 1: Σdy·x̂ = dγ). */
export class GradientFinalizeProgram extends FlatProgram {
  variableNames = ['partial'];
  uniforms = 'splits : i32, channels : i32, which : i32,';
  shaderKey = 'ncBatchGradFinalize';
  constructor(channels: number) {
    super([channels]);
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.channels) { return; }
        var s = 0.0;
        for (var k = 0; k < uniforms.splits; k = k + 1) {
          s = s + partial[(k * 2 + uniforms.which) * uniforms.channels + index];
        }
        setOutputAtIndex(index, s);
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
