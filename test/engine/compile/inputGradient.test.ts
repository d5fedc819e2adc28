/**
 * A conv or dense layer fed by the data alone skips the input gradient nobody uses (tfjs's fused
 * conv and matMul compute and drop it every step), and is otherwise tfjs's layer: same outputs,
 * gradients, weights.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { compileGraph, type CompiledGraph } from '../../../engine/compile';
import { fedByDataOnly, skipInputGradient } from '../../../engine/compile/inputGradient';
import type { GraphDoc } from '../../../engine/graph/types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A graph that is a chain of layers from an input of `shape`. */
function chain(shape: number[], layers: [id: string, type: string, params: Record<string, unknown>][]): GraphDoc {
  const nodes = [{ id: 'in', type: 'input', params: { shape } }, ...layers.map(([id, type, params]) => ({ id, type, params }))];
  return {
    format: 'netcanvas.graph',
    version: 1,
    name: 'chain',
    nodes,
    edges: nodes.slice(1).map((n, i) => ({ source: nodes[i]!.id, target: n.id })),
  };
}

/** input → (pad 2) conv → relu → pool → conv → flatten → dense. */
const GRAPH = chain(
  [12, 12, 2],
  [
    ['c1', 'conv2d', { filters: 4, kernelSize: 3, padding: 2 }],
    ['r1', 'relu', {}],
    ['p1', 'maxPool2d', { poolSize: 2 }],
    ['c2', 'conv2d', { filters: 3, kernelSize: 3, padding: 'same' }],
    ['fl', 'flatten', {}],
    ['fc', 'dense', { units: 5 }],
  ],
);

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
  tf.variableGrads(
    () => tf.sum(tf.square(compiled.logitsModel.apply(x, { training: true }) as tf.Tensor)),
    compiled.model.trainableWeights.map((w) => w.read() as tf.Variable),
  );

type ProfiledKernel = Awaited<ReturnType<typeof tf.profile>>['kernels'][number];

/** How many kernels of the pass `counted` picks: a conv's input gradients by default. */
async function inputGradients(
  step: () => { value: tf.Scalar; grads: tf.NamedTensorMap },
  counted = (k: ProfiledKernel) => k.name === 'Conv2DBackpropInput',
): Promise<number> {
  const info = await tf.profile(async () => {
    const { value, grads } = step();
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  });
  return info.kernels.filter(counted).length;
}

it('trains the first conv without computing its input gradient, to the same numbers as tfjs’s Conv2D (cpu backend)', async () => {
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

it('trains an MLP’s first dense layer without the gradient of the flattened image, to the same numbers (cpu backend)', async () => {
  const mlp = chain(
    [6, 6, 1],
    [
      ['fl', 'flatten', {}],
      ['d1', 'dense', { units: 8 }],
      ['r1', 'relu', {}],
      ['d2', 'dense', { units: 5 }],
    ],
  );
  const x = tf.randomNormal([4, 6, 6, 1], 0, 1, 'float32', 9);
  // A matrix product giving a [4, 36] result can only be the flattened image's gradient.
  const imageGradient = (k: ProfiledKernel) => k.name === 'BatchMatMul' && k.outputShapes[0]?.join() === '1,4,36';
  const ours = compileGraph(mlp, tf, { seed: 2 });
  const stock = compileGraph(mlp, tf, { seed: 2 });
  delete (stock.model.getLayer(stock.layerNames.get('d1')!) as unknown as { call?: unknown }).call;
  expect(await inputGradients(stepOf(stock, x), imageGradient)).toBe(1);
  expect(await inputGradients(stepOf(ours, x), imageGradient)).toBe(0);
  const a = stepOf(ours, x)();
  const b = stepOf(stock, x)();
  expect(await a.value.data()).toEqual(await b.value.data());
  const names = (c: CompiledGraph) => c.model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
  for (const [i, name] of names(ours).entries()) expect(await a.grads[name]!.data(), name).toEqual(await b.grads[names(stock)[i]!]!.data());
  tf.dispose([x, a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
  ours.model.dispose();
  stock.model.dispose();
});

it('keeps the activation and bias of the layer it rewires, and leaves other layers alone', () => {
  expect(skipInputGradient(tf, tf.layers.maxPooling2d({ poolSize: 2 }))).toBe(false);
  const layer = tf.layers.conv2d({
    filters: 2,
    kernelSize: 2,
    activation: 'relu',
    useBias: true,
    biasInitializer: 'ones',
    kernelInitializer: 'ones',
  });
  const x = tf.tensor4d([-1, -1, -1, -1, 1, 1, 1, 1], [2, 2, 2, 1]);
  const stock = layer.apply(x) as tf.Tensor;
  skipInputGradient(tf, layer);
  const ours = layer.apply(x) as tf.Tensor;
  expect(ours.arraySync()).toEqual(stock.arraySync()); // relu(−4 + 1) = 0 and 4 + 1 = 5
  expect(ours.arraySync()).toEqual([[[[0, 0]]], [[[5, 5]]]]);
  tf.dispose([x, stock, ours]);
});

it('adds the bias of a layer fed by the data inside its conv or matMul kernel (no separate Add), to the same numbers (cpu backend)', async () => {
  const mlp = chain(
    [12, 12, 2],
    [
      ['c1', 'conv2d', { filters: 4, kernelSize: 3, padding: 'same' }],
      ['r1', 'relu', {}],
      ['fl', 'flatten', {}],
      ['d1', 'dense', { units: 5 }],
    ],
  );
  const flat = chain(
    [6, 6, 1],
    [
      ['fl', 'flatten', {}],
      ['d1', 'dense', { units: 5 }],
    ],
  );
  for (const graph of [GRAPH, mlp, flat]) {
    const x = tf.randomNormal([3, ...(graph.nodes[0]!.params.shape as number[])], 0, 1, 'float32', 4);
    const ours = compileGraph(graph, tf, { seed: 3 });
    const stock = compileGraph(graph, tf, { seed: 3 });
    for (const layer of stock.model.layers) delete (layer as unknown as { call?: unknown }).call;
    // No bias Add anywhere in the step (forward or backward): each layer's bias is inside its kernel.
    expect(await inputGradients(stepOf(ours, x), (k) => k.name === 'Add'), graph.name).toBe(0);
    const a = stepOf(ours, x)();
    const b = stepOf(stock, x)();
    expect(await a.value.data()).toEqual(await b.value.data());
    const names = (c: CompiledGraph) => c.model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
    for (const [i, name] of names(ours).entries()) {
      expect(await a.grads[name]!.data(), name).toEqual(await b.grads[names(stock)[i]!]!.data());
    }
    tf.dispose([x, a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
    ours.model.dispose();
    stock.model.dispose();
  }
});
