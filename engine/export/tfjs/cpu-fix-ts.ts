/**
 * The exported train.ts's correction of tfjs's plain `cpu` backend, which is what the script runs on
 * under Node (@tensorflow/tfjs without tfjs-node): its gradient of nearest-neighbour resizing (an
 * upsample2d layer's backward) reads dy at the image's batch offset, so every sample after a batch's
 * first gets the gradient of the wrong pixels. The app replaces that kernel for its own trainer
 * (engine/train/backends/cpu-kernels.ts, tested against the forward); the script carries the same
 * adjoint, registered over tfjs's before training. Emitted only when the graph upsamples by nearest.
 */
export const TS_CPU_FIX = `
/**
 * tfjs-backend-cpu's ResizeNearestNeighborGrad (upsample2d's backward) reads dy at the wrong batch
 * offset; this one adds each dy value to the input pixel the cpu forward copied it from.
 */
function registerNearestUpsampleGrad(): void {
  type CpuBackend = { data: { get(id: tf.DataId): { values: tf.TypedArray } }; makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo };
  const sourceIndex = (i: number, ratio: number, inSize: number, alignCorners: boolean, halfPixelCenters: boolean) => {
    const frac = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
    const nearest = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    return halfPixelCenters ? Math.max(0, nearest) : nearest;
  };
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { images, dy } = inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
    const { alignCorners, halfPixelCenters } = attrs as unknown as { alignCorners: boolean; halfPixelCenters: boolean };
    const [batch, inH, inW, depth] = images.shape as [number, number, number, number];
    const [, outH, outW] = dy.shape as [number, number, number, number];
    const cpu = backend as unknown as CpuBackend;
    const dyValues = cpu.data.get(dy.dataId).values;
    const ratio = (inSize: number, outSize: number) => (alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize);
    const rows = Array.from({ length: outH }, (_, r) => sourceIndex(r, ratio(inH, outH), inH, alignCorners, halfPixelCenters));
    const cols = Array.from({ length: outW }, (_, c) => sourceIndex(c, ratio(inW, outW), inW, alignCorners, halfPixelCenters));
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
    return cpu.makeTensorInfo([batch, inH, inW, depth], 'float32', dx);
  };
  if (tf.getKernel('ResizeNearestNeighborGrad', 'cpu') != null) tf.unregisterKernel('ResizeNearestNeighborGrad', 'cpu');
  tf.registerKernel({ kernelName: 'ResizeNearestNeighborGrad', backendName: 'cpu', kernelFunc });
}
`;
