/**
 * One owner for a layer's weights: for every layer type, what the registry declares
 * (`LayerSpec.weights`: roles, shapes, trainable, decayed) is what the compiled tfjs model holds,
 * what the trainer decays, and what every export loads, saves and decays: TensorFlow.js (run),
 * Keras (NODE_LAYERS and regularizers), PyTorch (run with torch: loaded, saved back, and every
 * tensor of the module's state accounted for) and ONNX (the initializers).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph, type CompiledGraph } from '../../../engine/compile';
import { exportGraph, serializeWeights } from '../../../engine/export';
import { readOnnxModel } from '../../../engine/export/onnx/model-read';
import { planExport, type Step } from '../../../engine/export/plan';
import { initialWeights } from '../../../engine/export/weights';
import type { GraphDoc } from '../../../engine/graph/types';
import { resolveTrainingConfig } from '../../../engine/graph/training';
import { LAYER_TYPES, type LayerType } from '../../../engine/layers/registry';
import type { WeightRole } from '../../../engine/layers/spec';
import { makeTrainStep } from '../../../engine/train/step';
import { GENERATED } from '../export/cases';
import { findTorchPython, scratchDir } from '../export/workdir';

const LAMBDA = 0.01;
/** The export corpus's generated graphs (every layer type, with and without biases, dilated convs, batch norm in both ranks), with L2 on. */
const docs: GraphDoc[] = GENERATED.map((d) => ({ ...d, training: { ...d.training, weightDecay: LAMBDA } }));
const plans = docs.map((doc) => planExport(doc));
const stepsOf = (type: LayerType) => plans.flatMap((plan, i) => plan.steps.filter((s) => s.type === type).map((step) => ({ step, i })));
const roles = (step: Step) => step.weights.map((w) => w.role);
const decayedRoles = (step: Step) => step.weights.filter((w) => w.decayed).map((w) => w.role);
const fileOf = (doc: GraphDoc, target: 'pytorch' | 'keras' | 'tfjs', name: string) =>
  exportGraph(doc, target).files.find((f) => f.name === name)!.text;
/** A `NAME = {...}` line of an exported script (JSON-compatible: strings, numbers, lists). */
const constant = (text: string, name: string) => JSON.parse(new RegExp(`^(?:const )?${name}[^=]*= (.*?);?$`, 'm').exec(text)![1]!);

const work = scratchDir('layer-weights');
const torch = findTorchPython();
let compiled: CompiledGraph[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  compiled = docs.map((doc) => compileGraph(doc, tf));
});
afterAll(() => {
  compiled.forEach((c) => c.model.dispose());
  work.remove();
});

describe('the layer registry owns every weight', () => {
  it('the corpus has every layer type', () => {
    expect(LAYER_TYPES.filter((t) => stepsOf(t).length === 0)).toEqual([]);
  });

  it.each(LAYER_TYPES)('%s: the compiled tfjs layer holds exactly the registry’s weights, in order', (type) => {
    for (const { step, i } of stepsOf(type)) {
      const layer = compiled[i]!.model.getLayer(compiled[i]!.layerNames.get(step.id)!);
      const held = layer.weights.map((w) => ({
        role: w.originalName.split('/').pop()!.replace(/_\d+$/, ''),
        shape: w.shape,
        trainable: w.trainable,
      }));
      expect(held, step.id).toEqual(step.weights.map((w) => ({ role: w.role, shape: [...w.shape], trainable: w.trainable })));
      // The checker's parameter count is the trainable weights' sizes.
      const trainable = layer.trainableWeights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * b!, 1), 0);
      expect(plans[i]!.check.nodes[step.id]!.params, step.id).toBe(trainable);
    }
  });

  it('the trainer decays exactly the registry’s decayed weights (the loss grows by λ·Σw² over them)', async () => {
    const doc = docs[0]!; // no dropout: two steps on one batch see the same function
    const c = compileGraph(doc, tf, { seed: 3 });
    // Every weight non-zero (biases start at zero), so leaving one out or adding one shows.
    for (const layer of c.model.layers)
      layer.setWeights(layer.getWeights().map((w, k) => tf.randomUniform(w.shape, 0.5, 1.5, 'float32', k)));
    const plan = plans[0]!;
    const x = tf.randomNormal([4, ...plan.input.outputShape], 0, 1, 'float32', 5);
    const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
    const lossWith = async (weightDecay: number) => {
      const resolved = resolveTrainingConfig({ ...doc.training, weightDecay });
      if (!resolved.ok) throw new Error(resolved.error);
      const step = makeTrainStep(tf, c, resolved.config, 5, tf.train.sgd(0));
      const pending = await step.run(x, labels);
      return 'values' in pending ? pending.values[0]! : NaN;
    };
    let expected = 0;
    for (const step of plan.steps) {
      const layer = step.weights.length > 0 ? c.model.getLayer(c.layerNames.get(step.id)!) : null;
      for (const role of decayedRoles(step)) {
        const w = layer!.weights.find((v) => v.originalName.endsWith(`/${role}`))!;
        expected += LAMBDA * ((await tf.sum(tf.square(w.read())).data())[0] ?? 0);
      }
    }
    expect(expected).toBeGreaterThan(0);
    expect((await lossWith(LAMBDA)) - (await lossWith(0))).toBeCloseTo(expected, 4);
    tf.dispose([x, labels]);
    c.model.dispose();
  });

  it.each(LAYER_TYPES)('%s: the TensorFlow.js export loads and decays the registry’s weights', async (type) => {
    for (const { step, i } of stepsOf(type)) {
      const path = join(work.path, `tfjs-${type}-${step.id}.ts`);
      writeFileSync(path, fileOf(docs[i]!, 'tfjs', 'model.ts'));
      const exported = (await import(pathToFileURL(path).href)) as {
        NODE_LAYERS: Record<string, [string, string[]]>;
        buildModel(): { model: tf.LayersModel };
      };
      const entry = exported.NODE_LAYERS[step.id];
      if (step.weights.length === 0) {
        expect(entry, step.id).toBeUndefined();
        continue;
      }
      expect(entry![1], step.id).toEqual(roles(step));
      const { model } = exported.buildModel();
      expect(model.getLayer(entry![0]).weights.map((w) => w.shape)).toEqual(step.weights.map((w) => [...w.shape]));
      model.dispose();
      const decay = constant(fileOf(docs[i]!, 'tfjs', 'train.ts'), 'WEIGHT_DECAY') as Record<string, { roles: string[] }>;
      expect(decay[step.id]?.roles ?? [], step.id).toEqual(decayedRoles(step));
    }
  });

  it.each(LAYER_TYPES)('%s: the Keras export loads and regularises the registry’s weights', (type) => {
    for (const { step, i } of stepsOf(type)) {
      const model = fileOf(docs[i]!, 'keras', 'model.py');
      const layers = constant(model, 'NODE_LAYERS') as Record<string, [string, string[]]>;
      expect(layers[step.id]?.[1] ?? [], step.id).toEqual(roles(step));
      const call = model.split('\n').find((l) => l.includes(`name="${step.name}")`)) ?? '';
      expect(
        [...call.matchAll(/(\w+)_regularizer=regularizers\.L2\(([\d.e-]+)\)/g)].map((m) => [m[1], Number(m[2])]),
        step.id,
      ).toEqual(decayedRoles(step).map((r) => [r, LAMBDA]));
    }
  });

  it.each(LAYER_TYPES)('%s: the ONNX export carries the registry’s weights as initializers', (type) => {
    for (const { step, i } of stepsOf(type)) {
      const file = exportGraph(docs[i]!, 'onnx').files[0]!;
      const own = readOnnxModel(Buffer.from(file.text, 'base64')).initializers.filter((t) => t.name.startsWith(`${step.name}.`));
      const weights = own.filter((t) => ROLES.has(t.name.slice(step.name.length + 1) as WeightRole));
      expect(
        weights.map((t) => [t.name.slice(step.name.length + 1), t.dims.reduce((a, b) => a * b, 1)]),
        step.id,
      ).toEqual(step.weights.map((w) => [w.role, w.shape.reduce((a, b) => a * b, 1)]));
    }
  });
});

const ROLES = new Set<WeightRole>(['kernel', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_variance']);

interface TorchReport {
  /** The weights saved back by the export (`save_netcanvas_weights`). */
  saved: Record<string, { name: string; shape: number[] }[]>;
  /** Every tensor of the module's state_dict, and whether the optimizer trains it. */
  state: Record<string, { shape: number[]; trainable: boolean }>;
  /** Node id → [role, the module tensor it was loaded into]. */
  mapped: Record<string, [string, string][]>;
}

describe.skipIf(!torch.ok)('the PyTorch export, run with torch, maps the registry’s weights and nothing else', () => {
  const reports: TorchReport[] = [];
  beforeAll(() => {
    docs.forEach((doc, i) => {
      const dir = join(work.path, 'torch', `case${i}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'model.py'), fileOf(doc, 'pytorch', 'model.py'));
      writeFileSync(join(dir, 'weights.json'), serializeWeights(initialWeights(plans[i]!, 1)));
      const shape = [1, ...plans[i]!.input.outputShape];
      writeFileSync(join(dir, 'input.json'), JSON.stringify({ shape, data: new Array(shape.reduce((a, b) => a * b, 1)).fill(0.5) }));
    });
    const script = join(import.meta.dirname, '../export/run-pytorch.py');
    const run = spawnSync(torch.ok ? torch.python : 'python3', [script, join(work.path, 'torch')], { encoding: 'utf8', timeout: 120_000 });
    if (run.status !== 0) throw new Error(run.stderr);
    docs.forEach((_, i) => {
      const dir = join(work.path, 'torch', `case${i}`);
      if (existsSync(join(dir, 'error.txt'))) throw new Error(readFileSync(join(dir, 'error.txt'), 'utf8'));
      const saved = JSON.parse(readFileSync(join(dir, 'resaved.json'), 'utf8')) as { layers: TorchReport['saved'] };
      reports.push({ ...(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Omit<TorchReport, 'saved'>), saved: saved.layers });
    });
  }, 180_000);

  it.each(LAYER_TYPES)('%s: loaded, saved back and trained as the registry says', (type) => {
    for (const { step, i } of stepsOf(type)) {
      const report = reports[i]!;
      expect(report.saved[step.id]?.map((w) => [w.name, w.shape]) ?? [], step.id).toEqual(step.weights.map((w) => [w.role, [...w.shape]]));
      const tensors = new Map(report.mapped[step.id] ?? []);
      expect([...tensors.keys()], step.id).toEqual(roles(step));
      for (const w of step.weights) expect(report.state[tensors.get(w.role)!]!.trainable, `${step.id} ${w.role}`).toBe(w.trainable);
    }
  });

  it.each(docs.map((d, i) => [d.name, i] as const))(
    '%s: every tensor of the module is mapped, and train.py decays the registry’s decayed ones',
    (_n, i) => {
      const report = reports[i]!;
      const mapped = Object.values(report.mapped).flatMap((tensors) => tensors.map(([, name]) => name));
      expect(mapped.sort()).toEqual(Object.keys(report.state).sort());
      const decay = constant(fileOf(docs[i]!, 'pytorch', 'train.py'), 'WEIGHT_DECAY') as Record<string, [number, string[]]>;
      const expected = Object.fromEntries(
        plans[i]!.steps.filter((s) => decayedRoles(s).length > 0).map((s) => {
          const tensor = (role: string) => report.mapped[s.id]!.find(([r]) => r === role)![1].split('.')[1];
          return [s.name, [LAMBDA, decayedRoles(s).map(tensor)]];
        }),
      );
      expect(decay).toEqual(expected);
    },
  );
});
