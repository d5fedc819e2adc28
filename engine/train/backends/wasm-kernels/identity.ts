/**
 * Identity for `wasm` that shares its input's data, as the cpu and WebGL backends' do. The stock
 * kernel copies, and tfjs clones every tensor it saves for the backward pass through Identity:
 * a LeNet-5 step made 41 copies (every activation and weight a layer's gradient reads), the
 * residual CNN's 72, 1.5 ms and ~190 ms of its step. Tensors are immutable to tfjs, so sharing is
 * safe; our in-place writers (../wasm-native) write only into data no other tensor holds.
 */
import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from './compose';

function identity({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  (backend as WasmBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as tf.KernelFunc,
};
