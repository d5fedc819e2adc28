/**
 * A layer fed by the data alone (a network's first conv or dense layer) need not be given
 * ∂loss/∂input, and tfjs's Conv2D and Dense compute it anyway: they call `fused.conv2d` and
 * `fused.matMul`, whose custom gradients work out the gradient of every input eagerly. Each
 * training step then runs one whole backward conv (LeNet-5's conv1; on WebGPU a 1-channel output
 * that tfjs's kernel pads to 32 lanes) or matrix product (an MLP's 784 × 256 first layer, about a
 * quarter of its step's arithmetic) and throws it away.
 *
 * `skipInputGradient` keeps tfjs's layer (its class, config, weights and their order, so
 * checkpoints and exporters see no difference) and replaces only its `call` with `conv2d` or
 * `matMul` plus the bias: ordinary ops, whose gradients tfjs works out only for inputs that need
 * one. The values are the same on the cpu backend (tested), and by the same order of operations
 * on WebGPU: the bias is added once to the finished product either way. The wasm backend's fused
 * kernels (XNNPACK) start their sums from the bias instead, so there the last bits differ: a loss
 * curve moves in its fourth digit after an epoch or so, as between any two backends.
 */
import type * as tfType from '@tensorflow/tfjs';

type Tf = typeof tfType;

/** Answers per tensor: a model's tensors never change once built, and every layer asks about its input. */
const dataOnly = new WeakMap<tfType.SymbolicTensor, boolean>();

/**
 * True when nothing upstream of `x` has a trainable weight: no gradient ever flows into it.
 * Iterative and memoised, so it is linear in the graph: a recursion per path took exponential
 * time on a ladder of adds (3 s at 34 add+relu pairs) and overflowed the stack on a long chain.
 */
export function fedByDataOnly(x: tfType.SymbolicTensor): boolean {
  const stack = [x];
  while (stack.length > 0) {
    const t = stack[stack.length - 1]!;
    if (dataOnly.has(t)) {
      stack.pop();
      continue;
    }
    const layer = t.sourceLayer;
    const node = layer.inboundNodes[t.nodeIndex];
    // An input layer's node lists its own output as its input, from no layer.
    const inputs = layer.trainableWeights.length > 0 || node == null || node.inboundLayers.length === 0 ? [] : node.inputTensors;
    if (layer.trainableWeights.length > 0) dataOnly.set(t, false);
    else if (inputs.some((i) => dataOnly.get(i) === false)) dataOnly.set(t, false);
    else {
      const open = inputs.filter((i) => !dataOnly.has(i));
      if (open.length > 0) {
        stack.push(...open);
        continue;
      }
      dataOnly.set(t, true);
    }
    stack.pop();
  }
  return dataOnly.get(x)!;
}

/** What `call` reads of tfjs's Conv2D and Dense: public at run time, `protected`/`private` in their typings. */
interface LayerInternals {
  kernel: { read(): tfType.Tensor };
  bias: { read(): tfType.Tensor } | null;
  activation: { apply(t: tfType.Tensor): tfType.Tensor; getClassName(): string } | null;
  call(inputs: tfType.Tensor | tfType.Tensor[], kwargs: object): tfType.Tensor | tfType.Tensor[];
}

interface ConvInternals extends LayerInternals {
  strides: number[];
  padding: 'valid' | 'same';
  dilationRate: number[];
}

/**
 * `kernel ⊛ x + bias` as one fused kernel whose gradient is the kernel's and the bias's alone: for
 * a layer fed by the data, whose input needs none. A separate bias Add over a first conv's output
 * (LeNet-5's 64×28×28×6 at batch 64) cost the wasm backend more than the convolution itself, where
 * XNNPACK adds the bias inside the kernel for free; the cpu backend's fused kernels are the plain
 * product then the Add, so its numbers are unchanged. `x` is saved, not an input: no gradient of it.
 */
function biasedProduct(
  tf: Tf,
  x: tfType.Tensor,
  kernel: tfType.Tensor,
  bias: tfType.Tensor,
  conv: { strides: [number, number]; pad: 'valid' | 'same' } | null,
): tfType.Tensor {
  // customGrad's typing passes its inputs and `save` as one rest list.
  const op = tf.customGrad((...args: (tfType.Tensor | tfType.GradSaveFunc)[]) => {
    const [k, b, save] = args as [tfType.Tensor, tfType.Tensor, tfType.GradSaveFunc];
    save([x]);
    const forward =
      conv == null
        ? tf.fused.matMul({ a: x as tfType.Tensor2D, b: k as tfType.Tensor2D, bias: b })
        : tf.fused.conv2d({ x: x as tfType.Tensor4D, filter: k as tfType.Tensor4D, strides: conv.strides, pad: conv.pad, bias: b });
    return {
      value: forward,
      gradFunc: (dy: tfType.Tensor, [saved]: tfType.Tensor[]) => {
        const dk =
          conv == null
            ? tf.matMul(saved!, dy, true, false)
            : (tf
                .engine()
                .runKernel(
                  'Conv2DBackpropFilter',
                  { x: saved!, dy },
                  { strides: conv.strides, pad: conv.pad, dataFormat: 'NHWC', filterShape: kernel.shape },
                ) as tfType.Tensor);
        return [dk, tf.sum(dy, conv == null ? 0 : [0, 1, 2])];
      },
    };
  });
  return op(kernel, bias);
}

/**
 * Makes `layer` (tfjs's Conv2D, channels last, or Dense) run without the input gradient; returns
 * false, leaving it alone, for any other layer. `dataOnly`: its input is the data's alone (not
 * merely a frozen layer's, whose input may still need a gradient), so the bias joins the kernel.
 */
export function skipInputGradient(tf: Tf, layer: tfType.layers.Layer, dataOnly = false): boolean {
  const kind = layer.getClassName();
  if (kind !== 'Conv2D' && kind !== 'Dense') return false;
  const own = layer as unknown as LayerInternals;
  const stock = Object.getPrototypeOf(layer).call as LayerInternals['call'];
  const finish = (y: tfType.Tensor, biased = false) => {
    if (own.bias != null && !biased) y = tf.add(y, own.bias.read());
    return own.activation != null && own.activation.getClassName() !== 'linear' ? own.activation.apply(y) : y;
  };
  own.call = (inputs, kwargs) => {
    const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tfType.Tensor;
    if (kind === 'Dense') {
      // Dense on rank > 2 contracts the last axis: left to tfjs's own call.
      if (x.rank !== 2) return stock.call(layer, inputs, kwargs);
      if (dataOnly && own.bias != null) return tf.tidy(() => finish(biasedProduct(tf, x, own.kernel.read(), own.bias!.read(), null), true));
      return tf.tidy(() => finish(tf.matMul(x as tfType.Tensor2D, own.kernel.read() as tfType.Tensor2D)));
    }
    const conv = own as ConvInternals;
    const [sh, sw] = conv.strides;
    const [dh, dw] = conv.dilationRate;
    // tfjs has no filter gradient for a dilated conv: that case keeps the plain ops.
    if (dataOnly && own.bias != null && dh === 1 && dw === 1) {
      const at = { strides: [sh!, sw!] as [number, number], pad: conv.padding };
      return tf.tidy(() => finish(biasedProduct(tf, x, conv.kernel.read(), own.bias!.read(), at), true));
    }
    return tf.tidy(() =>
      finish(tf.conv2d(x as tfType.Tensor4D, conv.kernel.read() as tfType.Tensor4D, [sh!, sw!], conv.padding, 'NHWC', [dh!, dw!])),
    );
  };
  return true;
}
