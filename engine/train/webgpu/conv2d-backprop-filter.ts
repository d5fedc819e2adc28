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
import { FlatProgram, i32, webgpuBackend, type GpuProgram } from './program';

const TILE = 32; // outputs per tile side and positions per staging step
const TARGET_WORKGROUPS = 2048;
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

/** How many chunks the B·OH·OW positions are cut into, and how long each is (a multiple of TILE). */
export function splitPlan(g: FilterGradGeometry): { splits: number; chunk: number } {
  const positions = g.batch * g.outH * g.outW;
  const rows = g.kH * g.kW * g.inC;
  const tiles = Math.ceil(rows / TILE) * Math.ceil(g.outC / TILE);
  const wanted = Math.min(MAX_SPLITS, Math.max(1, Math.ceil(TARGET_WORKGROUPS / tiles)), Math.ceil(positions / TILE));
  const chunk = Math.ceil(positions / wanted / TILE) * TILE;
  return { splits: Math.ceil(positions / chunk), chunk };
}

class FilterGradPartialProgram implements GpuProgram {
  variableNames = ['x', 'dy'];
  uniforms =
    'positions : i32, rows : i32, outC : i32, chunk : i32, inH : i32, inW : i32, inC : i32, outH : i32, outW : i32, kW : i32, strideH : i32, strideW : i32, padTop : i32, padLeft : i32,';
  workgroupSize: [number, number, number] = [256, 1, 1];
  // Not flat (a y entry): main() reads workgroupId/localId itself.
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  shaderKey = 'ncFilterGradPartial';
  constructor(
    public outputShape: number[],
    rows: number,
    outC: number,
    splits: number,
  ) {
    this.dispatch = [Math.ceil(rows / TILE), Math.ceil(outC / TILE), splits];
  }
  getUserCode(): string {
    return `
      var<workgroup> xs : array<f32, ${TILE * TILE}>;
      var<workgroup> ds : array<f32, ${TILE * TILE}>;
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
        let myRow = lid / 8;
        let myCol = (lid % 8) * 4;
        var acc = vec4<f32>(0.0);
        let outHW = uniforms.outH * uniforms.outW;
        let kWC = uniforms.kW * uniforms.inC;
        for (var p0 = pBegin; p0 < pEnd; p0 = p0 + ${TILE}) {
          for (var i = 0; i < 4; i = i + 1) {
            let e = lid + i * 256;
            let pl = e / ${TILE};
            let col = e % ${TILE};
            let p = p0 + pl;
            var xv = 0.0;
            let r = r0 + col;
            if (p < pEnd && r < uniforms.rows) {
              let b = p / outHW;
              let rem = p % outHW;
              let oh = rem / uniforms.outW;
              let ow = rem % uniforms.outW;
              let kh = r / kWC;
              let kw = (r % kWC) / uniforms.inC;
              let ci = r % uniforms.inC;
              let ih = oh * uniforms.strideH - uniforms.padTop + kh;
              let iw = ow * uniforms.strideW - uniforms.padLeft + kw;
              if (ih >= 0 && ih < uniforms.inH && iw >= 0 && iw < uniforms.inW) {
                xv = x[((b * uniforms.inH + ih) * uniforms.inW + iw) * uniforms.inC + ci];
              }
            }
            xs[pl * ${TILE} + col] = xv;
            var dv = 0.0;
            let c = c0 + col;
            if (p < pEnd && c < uniforms.outC) {
              dv = dy[p * uniforms.outC + c];
            }
            ds[pl * ${TILE} + col] = dv;
          }
          workgroupBarrier();
          for (var k = 0; k < ${TILE}; k = k + 1) {
            let a = xs[k * ${TILE} + myRow];
            let base = k * ${TILE} + myCol;
            acc = acc + a * vec4<f32>(ds[base], ds[base + 1], ds[base + 2], ds[base + 3]);
          }
          workgroupBarrier();
        }
        let r = r0 + myRow;
        if (r < uniforms.rows) {
          for (var j = 0; j < 4; j = j + 1) {
            let c = c0 + myCol + j;
            if (c < uniforms.outC) {
              result[(split * uniforms.rows + r) * uniforms.outC + c] = acc[j];
            }
          }
        }
      }
    `;
  }
}

/** Sums the [splits, n] partial tiles into the n outputs. */
export class SumRowsProgram extends FlatProgram {
  variableNames = ['partial'];
  uniforms = 'splits : i32, n : i32,';
  shaderKey = 'ncSumRows';
  constructor(outputShape: number[]) {
    super(outputShape);
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          var s = 0.0;
          for (var k = 0; k < uniforms.splits; k = k + 1) {
            s = s + partial[k * uniforms.n + index];
          }
          setOutputAtIndex(index, s);
        }
      }
    `;
  }
}

/** Runs the two passes on the given WebGPU backend; returns the filter gradient [kH,kW,inC,outC]. */
export function filterGradient(backend: unknown, x: tf.TensorInfo, dy: tf.TensorInfo, g: FilterGradGeometry): tf.TensorInfo {
  const gpu = webgpuBackend(backend);
  const rows = g.kH * g.kW * g.inC;
  const { splits, chunk } = splitPlan(g);
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
  const out = gpu.runWebGPUProgram(new SumRowsProgram(filterShape), [flat], 'float32', [i32(splits), i32(n)]);
  gpu.disposeData(partial.dataId);
  return out;
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
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterShape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    return filterGradient(args.backend, x, dy, {
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
    });
  };
}
