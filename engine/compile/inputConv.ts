/**
 * A conv fed by the data alone (the network's first conv) need not be given ∂loss/∂input, and
 * tfjs's Conv2D layer computes it anyway: the layer calls `fused.conv2d`, whose custom gradient
 * works out the gradient of every input eagerly, so each training step runs one whole backward
 * conv and throws it away. For LeNet-5 that is conv1's input gradient, about a tenth of a step's
 * arithmetic; on WebGPU a 1-channel output that tfjs's kernel pads to 32 lanes.
 *
 * `skipInputGradient` keeps tfjs's Conv2D (its class, config, weights and their order, so
 * checkpoints and exporters see no difference) and replaces only its `call` with `conv2d` plus
 * the bias: ordinary ops, whose gradients tfjs works out only for inputs that need one. The
 * values are the same: the same conv kernel runs, and the bias is added once either way.
 */
import type * as tfType from '@tensorflow/tfjs';

type Tf = typeof tfType;

/** True when nothing upstream of `x` has a trainable weight: no gradient ever flows into it. */
export function fedByDataOnly(x: tfType.SymbolicTensor): boolean {
  const layer = x.sourceLayer;
  if (layer.trainableWeights.length > 0) return false;
  const node = layer.inboundNodes[x.nodeIndex];
  // An input layer's node lists its own output as its input, from no layer.
  if (node == null || node.inboundLayers.length === 0) return true;
  return node.inputTensors.every(fedByDataOnly);
}

/** What `call` reads of tfjs's Conv2D: public at run time, `protected` in its typings. */
interface ConvInternals {
  kernel: { read(): tfType.Tensor };
  bias: { read(): tfType.Tensor } | null;
  strides: number[];
  padding: 'valid' | 'same';
  dilationRate: number[];
  activation: { apply(t: tfType.Tensor): tfType.Tensor; getClassName(): string } | null;
  call(inputs: tfType.Tensor | tfType.Tensor[], kwargs: object): tfType.Tensor;
}

/** Makes `layer` (tfjs's Conv2D, channels last) call `conv2d` + bias instead of `fused.conv2d`. */
export function skipInputGradient(tf: Tf, layer: tfType.layers.Layer): void {
  const conv = layer as unknown as ConvInternals;
  conv.call = (inputs) =>
    tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tfType.Tensor4D;
      const [sh, sw] = conv.strides;
      const [dh, dw] = conv.dilationRate;
      let y: tfType.Tensor = tf.conv2d(x, conv.kernel.read() as tfType.Tensor4D, [sh!, sw!], conv.padding, 'NHWC', [dh!, dw!]);
      if (conv.bias != null) y = tf.add(y, conv.bias.read());
      if (conv.activation != null && conv.activation.getClassName() !== 'linear') y = conv.activation.apply(y);
      return y;
    });
}
