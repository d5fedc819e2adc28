/**
 * A conv fed by the data alone skips the input gradient nobody uses (tfjs's fused conv computes
 * and drops it every step), and is otherwise tfjs's Conv2D: same outputs, gradients, weights.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { compileGraph, type CompiledGraph } from '../../../engine/compile';
import { fedByDataOnly, skipInputGradient } from '../../../engine/compile/inputConv';
import type { GraphDoc } from '../../../engine/graph/types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** input → (pad 2) conv → relu → pool → conv → flatten → dense. */
const GRAPH: GraphDoc = {
  format: 'netcanvas.graph',
  version: 1,
  name: 'two convs',
  nodes: [
    { id: 'in', type: 'input', params: { shape: [12, 12, 2] } },
    { id: 'c1', type: 'conv2d', params: { filters: 4, kernelSize: 3, padding: 2 } },
    { id: 'r1', type: 'relu', params: {} },
    { id: 'p1', type: 'maxPool2d', params: { poolSize: 2 } },
    { id: 'c2', type: 'conv2d', params: { filters: 3, kernelSize: 3, padding: 'same' } },
    { id: 'fl', type: 'flatten', params: {} },
    { id: 'fc', type: 'dense', params: { units: 5 } },
  ],
  edges: [
    { source: 'in', target: 'c1' },
    { source: 'c1', target: 'r1' },
    { source: 'r1', target: 'p1' },
    { source: 'p1', target: 'c2' },
    { source: 'c2', target: 'fl' },
    { source: 'fl', target: 'fc' },
  ],
};

it('tells a conv fed by the data alone (through padding) from one behind trainable weights', () => {
  const input = tf.input({ shape: [8, 8, 1] });
  const padded = tf.layers.zeroPadding2d({ padding: 1 }).apply(input) as tf.SymbolicTensor;
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3 }).apply(padded) as tf.SymbolicTensor;
  const pooled = tf.layers.maxPooling2d({ poolSize: 2 }).apply(conv) as tf.SymbolicTensor;
  expect(fedByDataOnly(input)).toBe(true);
  expect(fedByDataOnly(padded)).toBe(true);
  expect(fedByDataOnly(conv)).toBe(false);
  expect(fedByDataOnly(pooled)).toBe(false);
});

/** One forward and backward pass of `compiled` on x: the loss Σy² and every weight's gradient. */
const stepOf = (compiled: CompiledGraph, x: tf.Tensor) => () =>
  tf.variableGrads(() => tf.sum(tf.square(compiled.logitsModel.apply(x, { training: true }) as tf.Tensor)), compiled.model.trainableWeights.map((w) => w.read() as tf.Variable));

/** How many input gradients of a conv the pass computes. */
async function inputGradients(step: () => { value: tf.Scalar; grads: tf.NamedTensorMap }): Promise<number> {
  const info = await tf.profile(async () => {
    const { value, grads } = step();
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  });
  return info.kernels.filter((k) => k.name === 'Conv2DBackpropInput').length;
}

it('trains the first conv without computing its input gradient, to the same numbers as tfjs’s Conv2D', async () => {
  const x = tf.randomNormal([3, 12, 12, 2], 0, 1, 'float32', 3);
  const compiled = compileGraph(GRAPH, tf, { seed: 5 });
  expect(await inputGradients(stepOf(compiled, x))).toBe(1); // c2's, which c1 needs; c1's own is not computed

  // The same model with c1 as tfjs's own Conv2D (fused.conv2d): two input gradients, same numbers.
  const stockCompiled = compileGraph(GRAPH, tf, { seed: 5 });
  const c1 = stockCompiled.model.getLayer(stockCompiled.layerNames.get('c1')!);
  delete (c1 as unknown as { call?: unknown }).call; // back to the class's call
  expect(await inputGradients(stepOf(stockCompiled, x))).toBe(2);
  const ours = stepOf(compiled, x)();
  const stock = stepOf(stockCompiled, x)();
  expect(await ours.value.data()).toEqual(await stock.value.data());
  const ourNames = compiled.model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
  const stockNames = stockCompiled.model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
  for (let i = 0; i < ourNames.length; i++) {
    expect(await ours.grads[ourNames[i]!]!.data(), ourNames[i]).toEqual(await stock.grads[stockNames[i]!]!.data());
  }
  // Same layer class and config, so saved models and checkpoints do not change.
  const ourC1 = compiled.model.getLayer(compiled.layerNames.get('c1')!);
  expect(ourC1.getClassName()).toBe('Conv2D');
  expect(ourC1.getConfig()).toEqual(c1.getConfig());
  tf.dispose([x, ours.value, stock.value, ...Object.values(ours.grads), ...Object.values(stock.grads)]);
  compiled.model.dispose();
  stockCompiled.model.dispose();
});

it('keeps the activation and bias of the layer it rewires', () => {
  const layer = tf.layers.conv2d({ filters: 2, kernelSize: 2, activation: 'relu', useBias: true, biasInitializer: 'ones', kernelInitializer: 'ones' });
  const x = tf.tensor4d([-1, -1, -1, -1, 1, 1, 1, 1], [2, 2, 2, 1]);
  const stock = layer.apply(x) as tf.Tensor;
  skipInputGradient(tf, layer);
  const ours = layer.apply(x) as tf.Tensor;
  expect(ours.arraySync()).toEqual(stock.arraySync()); // relu(−4 + 1) = 0 and 4 + 1 = 5
  expect(ours.arraySync()).toEqual([[[[0, 0]]], [[[5, 5]]]]);
  tf.dispose([x, stock, ours]);
});
