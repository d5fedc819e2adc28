/**
 * Keras 3 export, checked structurally (NetCanvas's test environment has no TensorFlow): the files
 * parse as Python, and every node becomes one named layer call of the right class, wired to the
 * right inputs, with the geometry the checker resolved.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportGraph } from '../../../engine/export';
import { liveSteps, planExport, type Step } from '../../../engine/export/plan';
import type { LayerType } from '../../../engine/layers/registry';
import { pair } from '../../../engine/layers/params';
import { ALL_CASES } from './cases';
import { scratchDir } from './workdir';

interface Call {
  layer: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  inputs: string;
}

const KERAS_CLASS: Record<LayerType, string | ((s: Step) => string)> = {
  input: 'keras.Input',
  conv2d: 'layers.Conv2D',
  maxPool2d: 'layers.MaxPooling2D',
  avgPool2d: 'layers.AveragePooling2D',
  globalAvgPool2d: 'layers.GlobalAveragePooling2D',
  upsample2d: (s) => (s.params.interpolation === 'bilinear' ? 'ResizeBilinearTF' : 'layers.UpSampling2D'),
  relu: 'layers.Activation',
  sigmoid: 'layers.Activation',
  tanh: 'layers.Activation',
  leakyRelu: 'layers.LeakyReLU',
  dropout: 'layers.Dropout',
  batchNorm: 'layers.BatchNormalization',
  add: 'layers.Add',
  concat: 'layers.Concatenate',
  flatten: 'layers.Flatten',
  reshape: 'layers.Reshape',
  dense: 'layers.Dense',
  softmax: 'layers.Softmax',
};

const cases = ALL_CASES();
const work = scratchDir('keras');
const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['--version']).status === 0);

describe.skipIf(!python)('Keras export is well-formed', () => {
  beforeAll(() => {
    cases.forEach((doc, i) => {
      const dir = join(work.path, `case${String(i).padStart(2, '0')}`);
      mkdirSync(dir);
      for (const f of exportGraph(doc, 'keras').files) writeFileSync(join(dir, f.name), f.text);
    });
    const run = spawnSync(python!, [join(import.meta.dirname, 'keras-structure.py'), work.path], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
  });
  afterAll(() => work.remove());

  it.each(cases.map((doc, i) => [doc.name, doc, i] as const))('%s', (_name, doc, i) => {
    const calls = JSON.parse(readFileSync(join(work.path, `case${String(i).padStart(2, '0')}`, 'structure.json'), 'utf8')) as Record<
      string,
      Call
    >;
    const plan = planExport(doc);
    const steps = liveSteps(plan);
    const varOf = (id: string) => (plan.byId.get(id)!.type === 'input' ? 'inputs' : plan.byId.get(id)!.name);
    for (const step of steps) {
      const call = calls[step.name];
      expect(call, `layer for node ${step.id}`).toBeDefined();
      const cls = KERAS_CLASS[step.type];
      expect(call!.layer).toBe(typeof cls === 'string' ? cls : cls(step));
      if (step.type === 'input') {
        expect(call!.kwargs.shape).toEqual(step.outputShape);
        continue;
      }
      const inputs = step.inputs.map(varOf);
      const padded = typeof step.params.padding === 'number' && step.params.padding > 0;
      if (!padded) expect(call!.inputs).toBe(inputs.length > 1 ? `[${inputs.join(', ')}]` : inputs[0]);
      if (step.type === 'conv2d') {
        const [kh, kw] = pair(step.params.kernelSize);
        expect(call!.args[0]).toBe(step.params.filters);
        expect(call!.args[1]).toEqual(kh === kw ? kh : [kh, kw]);
        expect(call!.kwargs.padding).toBe(padded ? 'valid' : step.params.padding === 0 ? 'valid' : step.params.padding);
        expect(call!.kwargs.use_bias ?? true).toBe(step.params.useBias);
      }
      if (padded) {
        const pad = calls[`${step.name}_pad`]!;
        expect(pad.layer).toBe(step.type === 'maxPool2d' ? 'NegInfPadding2D' : 'layers.ZeroPadding2D');
        expect(pad.args[0]).toBe(step.params.padding);
        expect(pad.inputs).toBe(inputs[0]);
      }
      if (step.type === 'dense') expect(call!.args[0]).toBe(step.params.units);
      if (step.type === 'batchNorm') expect(call!.kwargs).toMatchObject({ momentum: step.params.momentum, epsilon: step.params.epsilon });
      if (step.type === 'leakyRelu') expect(call!.kwargs.negative_slope).toBe(step.params.alpha);
      if (step.type === 'relu' || step.type === 'sigmoid' || step.type === 'tanh') expect(call!.args[0]).toBe(step.type);
    }
    // Nothing else is built: one call per live node, plus padding layers.
    const extra = Object.keys(calls).filter((n) => !steps.some((s) => s.name === n || `${s.name}_pad` === n));
    expect(extra).toEqual([]);
  });
});
