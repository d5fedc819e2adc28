/**
 * Conv2DBackpropFilter (the filter gradient of a conv) for WebGPU, NHWC.
 *
 * dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·s−pad+kh, ow·s−pad+kw, ci] · dy[b,oh,ow,co]
 * is a matrix product im2col(x)ᵀ·dy whose shared dimension (B·OH·OW, 131,072 for the residual
 * CNN) dwarfs its outputs (3·3·32·32 = 9,216). tfjs-webgpu gives each output one thread that walks
 * the whole shared dimension, so few threads run long loops (94% of a step's GPU time). Here the
 * shared dimension is split into chunks ("split-K"): each workgroup multiplies a 32×32 output tile
 * over one chunk, staging im2col(x) and dy tiles in workgroup memory (im2col is never stored), and
 * a second small pass sums the chunks' partial tiles.
 */
import * as tf from '@tensorflow/tfjs';
import { f32, i32, webgpuBackend, type GpuProgram } from '../device/program';
import { SumRowsProgram } from './reductions';

const TILE = 32; // outputs per tile side and positions per staging step
const THREADS = 64; // 8×8 threads, a 4×4 block of outputs each
const TARGET_WORKGROUPS = 4096;
const MAX_SPLITS = 256;

export interface FilterGradGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

export interface SplitPlan {
  splits: number;
  chunk: number;
}

/** How many chunks the B·OH·OW positions are cut into, and how long each is (a multiple of TILE). */
export function splitPlan(g: FilterGradGeometry): SplitPlan {
  const rows = g.kH * g.kW * g.inC;
  const tiles = Math.ceil(rows / TILE) * Math.ceil(g.outC / TILE);
  return planWithSplits(g, Math.min(MAX_SPLITS, Math.max(1, Math.ceil(TARGET_WORKGROUPS / tiles))));
}

/** About `wanted` chunks (fewer when there are fewer TILE-long runs of positions); bench/gpu/kernels.ts sweeps it. */
export function planWithSplits(g: FilterGradGeometry, wanted: number): SplitPlan {
  const positions = g.batch * g.outH * g.outW;
  const chunk = Math.ceil(positions / Math.min(wanted, Math.ceil(positions / TILE)) / TILE) * TILE;
  return { splits: Math.ceil(positions / chunk), chunk };
}

class FilterGradPartialProgram implements GpuProgram {
  variableNames = ['x', 'dy'];
  uniforms =
    'positions : i32, rows : i32, outC : i32, chunk : i32, inH : i32, inW : i32, inC : i32, outH : i32, outW : i32, kW : i32, strideH : i32, strideW : i32, padTop : i32, padLeft : i32,';
  workgroupSize: [number, number, number] = [THREADS, 1, 1];
  // Not flat (a y entry): main() reads workgroupId/localId itself.
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  shaderKey = 'ncFilterGradPartial4x4';
  constructor(
    public outputShape: number[],
    rows: number,
    outC: number,
    splits: number,
  ) {
    this.dispatch = [Math.ceil(rows / TILE), Math.ceil(outC / TILE), splits];
  }
  getUserCode(): string {
    // Each of the 64 threads owns a 4×4 block of the 32×32 output tile, so every pair of vec4
    // reads from workgroup memory feeds 16 multiply-adds (a 1×4 block fed 4 from 5 reads, and
    // workgroup memory, not arithmetic, set the pace). A thread always stages the same tile
    // column (its row r and output channel c), so r's im2col offset is worked out once; each
    // position's is worked out once per stage, by one thread, into \`pos\`: integer division is
    // slow on GPUs and the old kernel did seven per staged element.
    return `
      var<workgroup> xs : array<vec4<f32>, ${(TILE * TILE) / 4}>;
      var<workgroup> ds : array<vec4<f32>, ${(TILE * TILE) / 4}>;
      // Per staged position: x's flat offset at (kh, kw, ci) = (0, 0, 0), and its top-left (ih, iw).
      var<workgroup> pos : array<vec3<i32>, ${TILE}>;
      var<workgroup> sharedSplit : i32;
      fn main() {
        let lid = i32(localIndex);
        let r0 = i32(workgroupId.x) * ${TILE};
        let c0 = i32(workgroupId.y) * ${TILE};
        // Read through workgroup memory so the loop bound (and its barriers) is provably uniform.
        if (lid == 0) { sharedSplit = i32(workgroupId.z); }
        let split = workgroupUniformLoad(&sharedSplit);
        let pBegin = split * uniforms.chunk;
        let pEnd = min(uniforms.positions, pBegin + uniforms.chunk);
        let outHW = uniforms.outH * uniforms.outW;

        // The tile column this thread stages, and the im2col row it is in x.
        let col = lid % ${TILE};
        let firstRow = lid / ${TILE};
        let r = r0 + col;
        let rowOk = r < uniforms.rows;
        let kWC = uniforms.kW * uniforms.inC;
        let kh = r / kWC;
        let kw = (r % kWC) / uniforms.inC;
        let rowOffset = (kh * uniforms.inW + kw) * uniforms.inC + r % uniforms.inC;
        let c = c0 + col;
        let colOk = c < uniforms.outC;

        let tm = lid / 8;
        let tn = lid % 8;
        var acc0 = vec4<f32>(0.0);
        var acc1 = vec4<f32>(0.0);
        var acc2 = vec4<f32>(0.0);
        var acc3 = vec4<f32>(0.0);
        for (var p0 = pBegin; p0 < pEnd; p0 = p0 + ${TILE}) {
          if (lid < ${TILE}) {
            let p = p0 + lid;
            let b = p / outHW;
            let rem = p % outHW;
            let ih = (rem / uniforms.outW) * uniforms.strideH - uniforms.padTop;
            let iw = (rem % uniforms.outW) * uniforms.strideW - uniforms.padLeft;
            pos[lid] = vec3<i32>(((b * uniforms.inH + ih) * uniforms.inW + iw) * uniforms.inC, ih, iw);
          }
          workgroupBarrier();
          for (var pl = firstRow; pl < ${TILE}; pl = pl + ${THREADS / TILE}) {
            let p = p0 + pl;
            var xv = 0.0;
            var dv = 0.0;
            if (p < pEnd) {
              let at = pos[pl];
              let ih = at.y + kh;
              let iw = at.z + kw;
              if (rowOk && ih >= 0 && ih < uniforms.inH && iw >= 0 && iw < uniforms.inW) {
                xv = x[at.x + rowOffset];
              }
              if (colOk) {
                dv = dy[p * uniforms.outC + c];
              }
            }
            xs[pl * ${TILE / 4} + col / 4][col % 4] = xv;
            ds[pl * ${TILE / 4} + col / 4][col % 4] = dv;
          }
          workgroupBarrier();
          for (var k = 0; k < ${TILE}; k = k + 1) {
            let a = xs[k * ${TILE / 4} + tm];
            let d = ds[k * ${TILE / 4} + tn];
            acc0 = acc0 + a.x * d;
            acc1 = acc1 + a.y * d;
            acc2 = acc2 + a.z * d;
            acc3 = acc3 + a.w * d;
          }
          workgroupBarrier();
        }
        let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
        for (var i = 0; i < 4; i = i + 1) {
          let row = r0 + tm * 4 + i;
          if (row < uniforms.rows) {
            for (var j = 0; j < 4; j = j + 1) {
              let oc = c0 + tn * 4 + j;
              if (oc < uniforms.outC) {
                result[(split * uniforms.rows + row) * uniforms.outC + oc] = accs[i][j];
              }
            }
          }
        }
      }
    `;
  }
}

/** Runs the two passes on the given WebGPU backend; returns the filter gradient [kH,kW,inC,outC]. */
export function filterGradient(
  backend: unknown,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: FilterGradGeometry,
  plan: SplitPlan = splitPlan(g),
): tf.TensorInfo {
  const gpu = webgpuBackend(backend);
  const rows = g.kH * g.kW * g.inC;
  const { splits, chunk } = plan;
  const filterShape = [g.kH, g.kW, g.inC, g.outC];
  const uniforms = [
    i32(g.batch * g.outH * g.outW),
    i32(rows),
    i32(g.outC),
    i32(chunk),
    i32(g.inH),
    i32(g.inW),
    i32(g.inC),
    i32(g.outH),
    i32(g.outW),
    i32(g.kW),
    i32(g.strideH),
    i32(g.strideW),
    i32(g.padTop),
    i32(g.padLeft),
  ];
  const partialShape = splits === 1 ? filterShape : [splits, rows, g.outC];
  const partial = gpu.runWebGPUProgram(new FilterGradPartialProgram(partialShape, rows, g.outC, splits), [x, dy], 'float32', uniforms);
  if (splits === 1) return partial;
  const n = rows * g.outC;
  const flat = { ...partial, shape: [splits, n] };
  const out = gpu.runWebGPUProgram(new SumRowsProgram(filterShape, n), [flat], 'float32', [i32(splits), i32(n), f32(1)]);
  gpu.disposeData(partial.dataId);
  return out;
}

/** The geometry of an NHWC filter gradient: x's shape and the conv's attributes, as tfjs resolves them. */
export function filterGradGeometry(
  xShape: [number, number, number, number],
  attrs: Pick<tf.Conv2DBackpropFilterAttrs, 'filterShape' | 'strides' | 'pad' | 'dimRoundingMode'>,
): FilterGradGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** The kernel function registered as `Conv2DBackpropFilter` on `webgpu`; NCHW goes to `fallback`. */
export function makeConv2DBackpropFilterKernel(fallback: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (attrs.dataFormat === 'NCHW') {
      if (fallback == null) throw new Error('Conv2DBackpropFilter: NCHW is not supported by the NetCanvas WebGPU kernel');
      return fallback(args);
    }
    return filterGradient(args.backend, x, dy, filterGradGeometry(x.shape as [number, number, number, number], attrs));
  };
}
