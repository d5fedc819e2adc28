/** The equivalence corpus stays complete: every layer type and every padding form appears in it. */
import { describe, expect, it } from 'vitest';
import { exportGraph, ExportError } from '../../../engine/export';
import { hasPadding, isSymmetric, windowPads } from '../../../engine/export/geometry';
import { planExport } from '../../../engine/export/plan';
import { LAYER_TYPES } from '../../../engine/layers/registry';
import { ALL_CASES } from './cases';

const steps = ALL_CASES().flatMap((doc) => planExport(doc).steps);

describe('the export test corpus', () => {
  it('uses every layer type in the registry', () => {
    const used = new Set(steps.map((s) => s.type));
    expect(LAYER_TYPES.filter((t) => !used.has(t))).toEqual([]);
  });

  it('has asymmetric "same" padding, int padding, strides, dilation and both upsampling modes', () => {
    const windows = steps.filter((s) => s.type === 'conv2d' || s.type === 'maxPool2d' || s.type === 'avgPool2d');
    for (const type of ['conv2d', 'maxPool2d', 'avgPool2d']) {
      const mine = windows.filter((s) => s.type === type);
      expect(
        mine.some((s) => s.params.padding === 'same' && !isSymmetric(windowPads(s))),
        `${type} asymmetric same`,
      ).toBe(true);
      expect(
        mine.some((s) => typeof s.params.padding === 'number' && hasPadding(windowPads(s))),
        `${type} int padding`,
      ).toBe(true);
    }
    expect(steps.some((s) => s.type === 'conv2d' && JSON.stringify(s.params.dilation) !== '1')).toBe(true);
    expect(steps.some((s) => s.type === 'conv2d' && s.params.strides !== 1)).toBe(true);
    expect(new Set(steps.filter((s) => s.type === 'upsample2d').map((s) => s.params.interpolation))).toEqual(
      new Set(['nearest', 'bilinear']),
    );
    expect(steps.some((s) => s.type === 'batchNorm' && s.outputShape.length === 1)).toBe(true);
  });

  it('refuses an unknown target plainly', () => {
    expect(() => exportGraph(ALL_CASES()[0]!, 'caffe' as never)).toThrow(ExportError);
  });
});
