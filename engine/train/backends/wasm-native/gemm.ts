/**
 * BatchMatMul and _FusedMatMul (bias, linear or ReLU) by our GEMM (./c/gemm.c), on our pool's
 * threads, where our direct kernels apply (./direct.ts: while our pool owns the cores, XNNPACK's
 * GEMM would run on one thread). Operands arrive untransposed (../wasm-kernels/matmul-transposes.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { countDirect, directApplies } from './direct';
import { nativeFor } from './runtime';

export interface Product {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  bias?: tf.TensorInfo | null;
  relu: boolean;
}

/** a·b (+ bias, ReLU), or null where ours do not apply (the caller runs the stock kernel). */
export function ownMatMul(backend: unknown, p: Product): tf.TensorInfo | null {
  const native = nativeFor(backend);
  if (native == null || !directApplies(native)) return null;
  const { a, b, bias } = p;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length !== b.shape.length || a.shape.length < 2 || a.shape.length > 3)
    return null;
  const rank = a.shape.length;
  const [m, k] = a.shape.slice(rank - 2) as [number, number];
  const [kb, n] = b.shape.slice(rank - 2) as [number, number];
  const batch = rank === 3 ? a.shape[0]! : 1;
  const batchB = rank === 3 ? b.shape[0]! : 1;
  if (kb !== k || (batchB !== batch && batchB !== 1)) return null;
  if (bias != null && (bias.dtype !== 'float32' || tf.util.sizeFromShape(bias.shape) !== n)) return null;
  countDirect();
  const out = native.backend.makeOutput([...a.shape.slice(0, rank - 1), n], 'float32');
  if (tf.util.sizeFromShape(out.shape) === 0) return out;
  const n8 = Math.ceil(n / 8) * 8;
  let bPtr = native.ptr(b);
  let biasPtr = bias != null ? native.ptr(bias) : 0;
  if (n8 !== n) {
    // B's rows, and the bias, padded with zeros to 8 columns.
    const rows = batchB * k;
    const scratch = native.scratch(4 * (rows * n8 + n8));
    native.padColumns(bPtr, rows, n, n8, scratch);
    bPtr = scratch;
    if (bias != null) {
      native.padColumns(biasPtr, 1, n, n8, scratch + 4 * rows * n8);
      biasPtr = scratch + 4 * rows * n8;
    }
  }
  native.exports.nc_gemm(
    native.pool,
    native.ptr(a),
    bPtr,
    biasPtr,
    native.ptr(out),
    batch,
    m,
    k,
    n,
    n8,
    p.relu ? 1 : 0,
    batchB === 1 ? 1 : 0,
  );
  return out;
}
