/**
 * Gradients that stay on the device, or take fewer launches there.
 *
 * Sum and Mean: tfjs-core's build the broadcast as `dy · ones(x.shape)`, and `ones` is a host
 * array: every step then allocates and fills x.size floats in JS and uploads them through a fresh
 * staging buffer. For the residual CNN's global average pool that is 4 M floats (16 MB) a step;
 * for each L2 penalty Σw², one kernel's size. Broadcasting dy with BroadcastTo (a Tile launch)
 * gives the same values with no host work.
 *
 * ReLU: on WebGPU one launch instead of tfjs-core's Step and Multiply, bit for bit the same.
 *
 * Gradients are registered per kernel name, not per backend, so they would apply to every backend
 * in the process: ours hand over to tfjs-core's own unless the backend is WebGPU. Their values
 * are the same (dy/size is computed once on the small dy, then copied, where tfjs computes
 * (dy·1)/size per element), but not their speed elsewhere: on wasm, BroadcastTo (a Tile) is much
 * slower than XNNPACK's broadcasting multiply, and the residual template trained 2.3× slower on
 * wasm in a process where a WebGPU adapter had been registered (a software adapter passed over).
 */
import * as tf from '@tensorflow/tfjs';
import { ElementwiseProgram, runToTensor } from '../device/program';

/** dy reshaped to x's rank with 1 on the reduced axes, as both gradients need. */
function expandedDy(dy: tf.Tensor, x: tf.Tensor, axis: number | number[]): tf.Tensor {
  const shape = x.shape.slice();
  for (const a of tf.util.parseAxisParam(axis, x.shape)) shape[a] = 1;
  return tf.reshape(dy, shape);
}

function reducedSize(x: tf.Tensor, axis: number | number[]): number {
  return tf.util.parseAxisParam(axis, x.shape).reduce((n, a) => n * x.shape[a]!, 1);
}

const DEVICE_GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const { axis } = attrs as unknown as tf.SumAttrs;
      return { x: () => tf.broadcastTo(expandedDy(dy as tf.Tensor, x, axis), x.shape) };
    },
  },
  {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const { axis } = attrs as unknown as tf.MeanAttrs;
      return { x: () => tf.broadcastTo(tf.div(expandedDy(dy as tf.Tensor, x, axis), reducedSize(x, axis)), x.shape) };
    },
  },
  {
    // tfjs-core's is dy · cast(step(x)): two launches and two passes over the activation on
    // WebGPU. One launch computes the same numbers bit for bit (step keeps a NaN, as tfjs's does).
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => runToTensor(new ElementwiseProgram(x.shape, ['dy', 'x'], 'ncReluGrad', RELU_GRAD, ''), [dy as tf.Tensor, x], []) };
    },
  },
];

/** dy · step(x) per element, step(NaN) = NaN as in tfjs-webgpu's STEP. */
const RELU_GRAD = 'dy[index] * select(select(0.0, 1.0, x[index] > 0.0), x[index], isnan(x[index]))';

const stock = new Map<string, tf.GradConfig>();

/** Idempotent. */
export function registerDeviceGradients(): void {
  for (const config of DEVICE_GRADIENTS) {
    if (stock.has(config.kernelName)) continue;
    const original = tf.getGradient(config.kernelName);
    stock.set(config.kernelName, original);
    tf.registerGradient({
      ...config,
      gradFunc: (dy, saved, attrs) => (tf.getBackend() === 'webgpu' ? config.gradFunc : original.gradFunc)(dy, saved, attrs),
    });
  }
}

/** Puts tfjs-core's gradients back (to measure what ours gain). */
export function restoreStockGradients(): void {
  for (const config of stock.values()) tf.registerGradient(config);
  stock.clear();
}
