/**
 * Keras model JSON import, against real TensorFlow.js models serialized with `toJSON(null, false)`
 * (the Keras JSON format): every supported layer imports to a graph whose checker shapes and
 * parameter count match tfjs's, and which — given the tfjs model's weights — computes the same
 * outputs. Plus a hand-written Keras 3 file, what cannot be imported, and malformed files.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGraph } from '../../../engine/check/checkGraph';
import { compileGraph } from '../../../engine/compile';
import { serializeWeights, type WeightsFile } from '../../../engine/export';
import { toIdentifier } from '../../../engine/export/identifiers';
import { importKeras } from '../../../engine/export/keras/import';
import { ImportError } from '../../../engine/export/types';
import type { GraphDoc } from '../../../engine/graph/types';
import { applyCheckpoint } from '../../../engine/train/checkpoint';
import { maxAbsDiff } from './reference';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const L = tf.layers;
type Sym = tf.SymbolicTensor;
const apply = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

function sequential(...layers: tf.layers.Layer[]): tf.LayersModel {
  const m = tf.sequential();
  for (const l of layers) m.add(l);
  return m;
}

const MODELS: Record<string, () => tf.LayersModel> = {
  'a LeNet-style CNN (activations inside layers, L2, batch norm, pooling, dropout)': () =>
    sequential(
      L.conv2d({
        inputShape: [28, 28, 1],
        filters: 6,
        kernelSize: 5,
        padding: 'same',
        activation: 'relu',
        kernelRegularizer: tf.regularizers.l2({ l2: 0.001 }),
      }),
      L.maxPooling2d({ poolSize: 2 }),
      L.conv2d({ filters: 16, kernelSize: [5, 3], strides: [2, 1], useBias: false }),
      L.batchNormalization({ momentum: 0.9, epsilon: 1e-4 }),
      L.activation({ activation: 'tanh' }),
      L.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }),
      L.dropout({ rate: 0.25 }),
      L.flatten(),
      L.dense({ units: 32, activation: 'sigmoid' }),
      L.dense({ units: 10, activation: 'softmax' }),
    ),
  'padding layers, ReLU/LeakyReLU layers, upsampling, global pooling, a Softmax layer': () =>
    sequential(
      L.zeroPadding2d({ inputShape: [9, 9, 3], padding: 2 }),
      L.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2 }),
      L.leakyReLU({ alpha: 0.1 }),
      L.zeroPadding2d({
        padding: [
          [1, 1],
          [1, 1],
        ],
      }),
      L.averagePooling2d({ poolSize: 2, strides: 2 }),
      L.upSampling2d({ size: [2, 2] }),
      L.upSampling2d({ size: [2, 3], interpolation: 'bilinear' }),
      L.reLU(),
      L.globalAveragePooling2d({}),
      L.dense({ units: 5 }),
      L.softmax({ axis: -1 }),
    ),
  'a functional residual/concat network': () => {
    const input = tf.input({ shape: [8, 8, 4], name: 'image' });
    const a = apply(L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'branch_a' }), input);
    const sum = apply(L.add({ name: 'residual' }), [input, a]);
    const b = apply(L.conv2d({ filters: 2, kernelSize: 1, name: 'branch_b' }), sum);
    const cat = apply(L.concatenate({ name: 'stack' }), [sum, b, a]);
    const pooled = apply(L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), cat);
    const flat = apply(L.reshape({ targetShape: [(pooled.shape.slice(1) as number[]).reduce((a, b) => a * b, 1)] }), pooled);
    const out = apply(L.dense({ units: 3, activation: 'softmax', name: 'scores' }), flat);
    return tf.model({ inputs: input, outputs: out });
  },
  'a functional MLP on feature vectors (batch norm and concat of vectors)': () => {
    const input = tf.input({ shape: [20] });
    const h = apply(L.dense({ units: 16, activation: 'relu' }), input);
    const n = apply(L.batchNormalization({}), h);
    const d = apply(L.dropout({ rate: 0.1 }), n);
    const cat = apply(L.concatenate(), [d, input]);
    const out = apply(L.dense({ units: 4 }), cat);
    return tf.model({ inputs: input, outputs: out });
  },
};

/** The tfjs model's weights under the imported node ids, in the app's checkpoint roles (same layouts). */
function weightsOf(model: tf.LayersModel): WeightsFile {
  const roles: Record<string, string[]> = {
    Conv2D: ['kernel', 'bias'],
    Dense: ['kernel', 'bias'],
    BatchNormalization: ['gamma', 'beta', 'moving_mean', 'moving_variance'],
  };
  const layers: Record<string, Record<string, { shape: number[]; data: Float32Array }>> = {};
  for (const layer of model.layers) {
    const names = roles[layer.getClassName()];
    if (!names) continue;
    layers[toIdentifier(layer.name)] = Object.fromEntries(
      layer.getWeights().map((w, i) => [names[i]!, { shape: w.shape, data: w.dataSync() as Float32Array }]),
    );
  }
  return { layers };
}

/** Random moving statistics, so batch norm does something at inference. */
function randomizeBatchNorm(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    layer.setWeights(layer.getWeights().map((w, i) => (i === 3 ? tf.randomUniform(w.shape, 0.5, 2) : tf.randomNormal(w.shape, 0, 0.5))));
  }
}

const keras = (model: tf.LayersModel) => JSON.stringify(model.toJSON(null, false));
const errorOf = (fn: () => unknown): ImportError => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ImportError);
    return err as ImportError;
  }
  throw new Error('expected an ImportError');
};

describe('importKeras with TensorFlow.js models', () => {
  it.each(Object.entries(MODELS))('%s: same shapes, parameters and outputs', async (_name, build) => {
    const model = build();
    randomizeBatchNorm(model);
    const { doc, weights } = importKeras(keras(model), 'imported');
    expect(weights).toEqual({ layers: {} });

    const check = checkGraph(doc);
    expect(check.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // The checker counts trainable parameters; tfjs's countParams() adds batch norm's moving statistics.
    expect(check.totals.params).toBe(model.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0));
    expect(check.nodes[check.outputIds[0]!]!.outputShape).toEqual(model.outputs[0]!.shape.slice(1));
    // Every Keras layer that became a node of its own name has tfjs's output shape.
    for (const layer of model.layers) {
      const node = check.nodes[toIdentifier(layer.name)];
      if (node && !layer.getConfig().activation)
        expect([layer.name, node.outputShape]).toEqual([layer.name, (layer.outputShape as number[]).slice(1)]);
    }

    const compiled = compileGraph(doc, tf);
    applyCheckpoint(tf, compiled, JSON.parse(serializeWeights(weightsOf(model))));
    const x = tf.randomNormal([2, ...model.inputs[0]!.shape.slice(1)] as number[]);
    const [ours, theirs] = [compiled.model.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor];
    expect(maxAbsDiff(ours.dataSync(), theirs.dataSync())).toBeLessThanOrEqual(1e-4);
    tf.dispose([x, ours, theirs]);
    compiled.model.dispose();
    model.dispose();
  });

  it('keeps L2 kernel regularizers as per-layer weight decay and notes what it drops', () => {
    const model = sequential(
      L.dense({ inputShape: [4], units: 3, kernelRegularizer: tf.regularizers.l1l2({ l1: 0.1, l2: 0.02 }), name: 'hidden' }),
      L.dense({ units: 2, kernelRegularizer: tf.regularizers.l2({ l2: 0.5 }), biasRegularizer: tf.regularizers.l2(), name: 'out' }),
    );
    const { doc, notes } = importKeras(keras(model));
    expect(doc.training).toEqual({ layerWeightDecay: { hidden: 0.02, out: 0.5 } });
    expect(notes).toEqual([
      'Dense hidden: L1 kernel regularization is left out (NetCanvas decays kernels with L2 only)',
      'Dense out: bias_regularizer is left out (NetCanvas decays kernels with L2 only)',
    ]);
  });

  it('lists every layer it cannot import, by class and name, with the reason', () => {
    const input = tf.input({ shape: [8, 8, 3], name: 'x' });
    const shared = L.dense({ units: 2, name: 'shared' });
    const t = apply(L.conv2dTranspose({ filters: 2, kernelSize: 2, name: 'up' }), input);
    const p = apply(L.maxPooling2d({ poolSize: 2, name: 'pool' }), apply(L.zeroPadding2d({ padding: 1, name: 'pad' }), input));
    const g = apply(L.globalMaxPooling2d({ name: 'gmax' }), input);
    const e = apply(L.dense({ units: 2, activation: 'elu', name: 'elu_dense' }), g);
    const s = apply(L.softmax({ name: 'sm' }), input);
    const model = tf.model({ inputs: input, outputs: [t, p, apply(shared, apply(shared, apply(shared, e))), s] });
    const err = errorOf(() => importKeras(keras(model)));
    expect(err.unsupported).toEqual([
      'GlobalMaxPooling2D gmax: no NetCanvas layer does this',
      'Dense elu_dense: activation "elu" has no NetCanvas layer (relu, leaky_relu, sigmoid, tanh, softmax)',
      'Dense shared: it is called 3 times (NetCanvas layers are not shared)',
      'ZeroPadding2D pad: NetCanvas has no padding layer: it folds zero padding into the Conv2D or AveragePooling2D right after it, not into MaxPooling2D pool',
      'Conv2DTranspose up: no NetCanvas layer does this',
    ]);
    expect(err.message).toMatch(/^5 layers of the Keras model could not be imported:\n {2}GlobalMaxPooling2D gmax: /);

    // Shape-dependent refusals: tfjs's Softmax layer defaults to axis 1, the height of an image.
    const softmax = tf.model({ inputs: input, outputs: s });
    expect(errorOf(() => importKeras(keras(softmax))).unsupported).toEqual([
      'Softmax sm: normalises axis 1; NetCanvas normalises the last axis',
    ]);
  });

  it('refuses channels_first with a way out', () => {
    const json = JSON.parse(keras(sequential(L.conv2d({ inputShape: [8, 8, 3], filters: 2, kernelSize: 3, name: 'c' }))));
    json.config.layers[0].config.data_format = 'channels_first';
    expect(errorOf(() => importKeras(JSON.stringify(json))).unsupported).toEqual([
      'Conv2D c: data_format "channels_first": NetCanvas is channels-last; save the model with data_format="channels_last"',
    ]);
  });

  it('reads a tfjs model.json (modelTopology) and the old Sequential form (config is the layer list)', () => {
    const model = sequential(L.dense({ inputShape: [6], units: 3, activation: 'relu', name: 'd' }));
    const topology = model.toJSON(null, false) as { config: { layers: unknown[] } };
    const fromModelJson = importKeras(JSON.stringify({ format: 'layers-model', modelTopology: topology, weightsManifest: [] }));
    const legacy = importKeras(JSON.stringify({ class_name: 'Sequential', config: topology.config.layers }));
    for (const { doc } of [fromModelJson, legacy])
      expect(doc.nodes.map((n) => [n.id, n.type])).toEqual([
        ['input_', 'input'],
        ['d', 'dense'],
        ['d_relu', 'relu'],
      ]);
  });
});

/** As Keras 3.x writes it (model.to_json()), trimmed of initializer details. */
const KERAS3 = {
  module: 'keras.src.models.functional',
  class_name: 'Functional',
  config: {
    name: 'tiny_resnet',
    trainable: true,
    layers: [
      {
        module: 'keras.layers',
        class_name: 'InputLayer',
        config: { batch_shape: [null, 12, 12, 1], dtype: 'float32', sparse: false, name: 'pixels' },
        registered_name: null,
        name: 'pixels',
        inbound_nodes: [],
      },
      ...[
        [
          'stem',
          'Conv2D',
          {
            filters: 8,
            kernel_size: [3, 3],
            strides: [1, 1],
            padding: 'same',
            data_format: 'channels_last',
            dilation_rate: [1, 1],
            groups: 1,
            activation: 'relu',
            use_bias: true,
            kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.0005 }, registered_name: null },
          },
          ['pixels'],
        ],
        [
          'conv',
          'Conv2D',
          {
            filters: 8,
            kernel_size: [3, 3],
            strides: [1, 1],
            padding: 'same',
            data_format: 'channels_last',
            dilation_rate: [1, 1],
            groups: 1,
            activation: 'linear',
            use_bias: false,
          },
          ['stem'],
        ],
        ['bn', 'BatchNormalization', { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true }, ['conv']],
        ['skip', 'Add', {}, [['stem', 'bn']]],
        ['act', 'LeakyReLU', { negative_slope: 0.05 }, ['skip']],
        ['gap', 'GlobalAveragePooling2D', { data_format: 'channels_last', keepdims: false }, ['act']],
        ['drop', 'Dropout', { rate: 0.3, seed: null, noise_shape: null }, ['gap']],
        ['logits', 'Dense', { units: 10, activation: 'softmax', use_bias: true }, ['drop']],
      ].map(([name, cls, config, inputs]) => ({
        module: 'keras.layers',
        class_name: cls,
        config: {
          name,
          trainable: true,
          dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
          ...(config as object),
        },
        registered_name: null,
        build_config: { input_shape: [null, 12, 12, 8] },
        name,
        inbound_nodes: [
          {
            args: (inputs as unknown[]).map(function tensor(i): unknown {
              return Array.isArray(i)
                ? i.map(tensor)
                : { class_name: '__keras_tensor__', config: { shape: [null, 12, 12, 8], dtype: 'float32', keras_history: [i, 0, 0] } };
            }),
            kwargs: {},
          },
        ],
      })),
    ],
    input_layers: [['pixels', 0, 0]],
    output_layers: [['logits', 0, 0]],
  },
  registered_name: 'Functional',
  build_config: { input_shape: null },
  compile_config: null,
};

describe('importKeras with a Keras 3 file', () => {
  it('reads batch_shape, keras_history tensors, lists of inputs, negative_slope and L2', () => {
    const { doc, notes } = importKeras(JSON.stringify(KERAS3));
    expect(notes).toEqual([]);
    expect(doc.name).toBe('tiny_resnet');
    expect(doc.nodes.map((n) => `${n.id}:${n.type}`)).toEqual([
      'pixels:input',
      'stem:conv2d',
      'stem_relu:relu',
      'conv:conv2d',
      'bn:batchNorm',
      'skip:add',
      'act:leakyRelu',
      'gap:globalAvgPool2d',
      'drop:dropout',
      'logits:dense',
      'logits_softmax:softmax',
    ]);
    expect(doc.edges.filter((e) => e.target === 'skip')).toEqual([
      { source: 'stem_relu', target: 'skip', targetPort: 0 },
      { source: 'bn', target: 'skip', targetPort: 1 },
    ]);
    expect(doc.nodes.find((n) => n.id === 'act')!.params).toEqual({ alpha: 0.05 });
    expect(doc.training).toEqual({ layerWeightDecay: { stem: 0.0005 } });
    const check = checkGraph(doc as GraphDoc);
    expect(check.ok).toBe(true);
    // 3·3·1·8+8, 3·3·8·8, 2·8 (γ, β), 8·10+10
    expect(check.totals.params).toBe(80 + 576 + 16 + 90);
    expect(check.nodes.logits_softmax!.outputShape).toEqual([10]);
  });
});

describe("importKeras with our own Keras export's layers", () => {
  it('folds NegInfPadding2D into the max pooling after it and reads ResizeBilinearTF as bilinear upsampling', () => {
    const layer = (class_name: string, name: string, config: object) => ({
      module: null,
      class_name,
      registered_name: `netcanvas>${class_name}`,
      config: { name, ...config },
    });
    const { doc } = importKeras(
      JSON.stringify({
        class_name: 'Sequential',
        config: {
          layers: [
            { class_name: 'InputLayer', config: { batch_shape: [null, 6, 6, 2], name: 'pixels' } },
            layer('NegInfPadding2D', 'pool_pad', { pad: 1 }),
            {
              class_name: 'MaxPooling2D',
              config: { name: 'pool', pool_size: [3, 3], strides: [2, 2], padding: 'valid', data_format: 'channels_last' },
            },
            layer('ResizeBilinearTF', 'up', { size: [2, 2] }),
          ],
        },
      }),
    );
    expect(doc.nodes.map((n) => [n.id, n.type, n.params])).toEqual([
      ['pixels', 'input', { shape: [6, 6, 2] }],
      ['pool', 'maxPool2d', { poolSize: 3, strides: 2, padding: 1 }],
      ['up', 'upsample2d', { size: 2, interpolation: 'bilinear' }],
    ]);
    expect(checkGraph(doc).nodes.up!.outputShape).toEqual([6, 6, 2]);
  });
});

describe('importKeras with files that are not Keras models', () => {
  it.each([
    ['not JSON', '{"class_name": "Sequential", ', /^the file is not valid JSON \(/],
    ['a list', '[1, 2]', /^this JSON is not a Keras model: expected \{"class_name"/],
    [
      'a layer, not a model',
      '{"class_name": "Dense", "config": {"units": 3}}',
      /^a Keras "Dense" is not a model; expected Sequential or Functional$/,
    ],
    [
      'layers that are not a list',
      '{"class_name": "Functional", "config": {"layers": 3}}',
      /^the model's "layers" is not a list of layers$/,
    ],
    [
      'no input shape',
      '{"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"units": 3}}]}}',
      /declares no input shape/,
    ],
    ['an empty model', '{"class_name": "Functional", "config": {"layers": []}}', /^the model has no layers$/],
    ['a NetCanvas graph', '{"format": "netcanvas.graph", "version": 1, "nodes": []}', /open it instead of importing it/],
  ])('%s: one clear message', (_name, text, message) => {
    const err = errorOf(() => importKeras(text));
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/\n\s+at /);
  });

  it('a layer with a garbled config is listed, not thrown', () => {
    const err = errorOf(() =>
      importKeras(
        JSON.stringify({
          class_name: 'Sequential',
          config: { layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 'x'] } }] },
        }),
      ),
    );
    expect(err.unsupported).toEqual([
      'InputLayer layer_1: input shape [x]: NetCanvas needs fixed sizes, an image [H, W, C] or a vector [N]',
    ]);
  });
});
