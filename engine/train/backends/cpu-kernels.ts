/**
 * Corrections to tfjs's plain-JavaScript `cpu` backend that training needs.
 *
 * ResizeNearestNeighborGrad (the gradient of upsample2d, nearest): tfjs-backend-cpu's kernel reads
 * dy at the image's batch offset instead of dy's, so every sample after a batch's first gets the
 * gradient of the wrong pixels (a 7×7 map upsampled ×4, batch 2: off by up to 5.2 where the values
 * are about 2; the wasm and WebGPU backends are right). An autoencoder's decoder then trained with
 * wrong gradients on `cpu`. This kernel is the exact adjoint of the cpu backend's own forward
 * (ResizeNearestNeighbor): each dy value is added to the input pixel the forward copied it from.
 */
import * as tf from '@tensorflow/tfjs';

type CpuBackend = tf.KernelBackend & { data: { get(id: tf.DataId): { values: tf.TypedArray } } };

/** The input row (or column) the cpu forward reads for output index `i`, as tfjs-backend-cpu computes it. */
function sourceIndex(i: number, ratio: number, inSize: number, alignCorners: boolean, halfPixelCenters: boolean): number {
  const frac = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
  const nearest = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
  return halfPixelCenters ? Math.max(0, nearest) : nearest;
}

const resizeNearestNeighborGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { images, dy } = inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  const { alignCorners, halfPixelCenters } = attrs as unknown as tf.ResizeNearestNeighborAttrs;
  const [batch, inH, inW, depth] = images.shape as [number, number, number, number];
  const [, outH, outW] = dy.shape as [number, number, number, number];
  const dyValues = (backend as CpuBackend).data.get(dy.dataId).values;
  const ratio = (inSize: number, outSize: number) =>
    (alignCorners && outSize > 1 ? inSize - 1 : inSize) / (alignCorners && outSize > 1 ? outSize - 1 : outSize);
  const [rowRatio, colRatio] = [ratio(inH, outH), ratio(inW, outW)];
  const rows = Array.from({ length: outH }, (_, r) => sourceIndex(r, rowRatio, inH, alignCorners, halfPixelCenters));
  const cols = Array.from({ length: outW }, (_, c) => sourceIndex(c, colRatio, inW, alignCorners, halfPixelCenters));
  const dx = new Float32Array(batch * inH * inW * depth);
  let at = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < outH; r++) {
      for (let c = 0; c < outW; c++) {
        const to = ((b * inH + rows[r]!) * inW + cols[c]!) * depth;
        for (let d = 0; d < depth; d++) dx[to + d]! += dyValues[at++]!;
      }
    }
  }
  return (
    backend as unknown as { makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo }
  ).makeTensorInfo([batch, inH, inW, depth], 'float32', dx);
};

let registered = false;

/** Idempotent: puts the corrected kernels over tfjs-backend-cpu's. */
export function registerCpuFixes(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel(tf.ResizeNearestNeighborGrad, 'cpu') != null) tf.unregisterKernel(tf.ResizeNearestNeighborGrad, 'cpu');
  tf.registerKernel({ kernelName: tf.ResizeNearestNeighborGrad, backendName: 'cpu', kernelFunc: resizeNearestNeighborGrad });
}
