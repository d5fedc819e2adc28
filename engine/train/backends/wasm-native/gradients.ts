/**
 * Gradients that take one native pass on wasm instead of tfjs-core's two or three: ReLU's
 * (tfjs: dy · cast(step(x))) and those of Sum and Mean over middle axes (./reductions). tfjs
 * registers gradients per op, not per backend, so each hands over to the gradient registered
 * before it (tfjs-core's, or another backend's) unless the backend is wasm with our kernels bound.
 */
import * as tf from '@tensorflow/tfjs';
import { middleReductionGradient } from './reductions';
import { nativeFor } from './runtime';

export const RELU_GRAD = 'NcReluGrad';

export const reluGradConfig: tf.KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }) => {
    const native = nativeFor(backend)!;
    const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const dx = native.backend.makeOutput(x.shape, 'float32');
    native.exports.nc_relu_grad(native.pool, native.ptr(dy), native.ptr(x), native.ptr(dx), tf.util.sizeFromShape(x.shape));
    return dx;
  }) as unknown as tf.KernelFunc,
};

type Grad = (dy: tf.Tensor, x: tf.Tensor, attrs: tf.NamedAttrMap) => tf.Tensor | null;

/** Ours, or null where they do not apply (the previous gradient is used). */
const OURS: Record<string, Grad> = {
  [tf.Relu]: (dy, x) => (x.dtype === 'float32' ? (tf.engine().runKernel(RELU_GRAD, { dy, x }) as tf.Tensor) : null),
  [tf.Sum]: (dy, x, attrs) => middleReductionGradient(dy, x, (attrs as unknown as tf.SumAttrs).axis, false),
  [tf.Mean]: (dy, x, attrs) => middleReductionGradient(dy, x, (attrs as unknown as tf.MeanAttrs).axis, true),
};

let registered = false;

/** Idempotent. */
export function registerNativeGradients(): void {
  if (registered) return;
  registered = true;
  for (const [kernelName, ours] of Object.entries(OURS)) {
    const previous = tf.getGradient(kernelName);
    tf.registerGradient({
      ...previous,
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        if (tf.getBackend() !== 'wasm' || nativeFor(tf.backend()) == null) return previous.gradFunc(dy, saved, attrs);
        const [x] = saved as [tf.Tensor];
        return { x: () => ours(dy as tf.Tensor, x, attrs) ?? previous.gradFunc(dy, saved, attrs).x!() };
      },
    });
  }
}
