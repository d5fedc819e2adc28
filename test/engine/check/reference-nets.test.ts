import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../../engine/check/checkGraph';
import { chain } from '../../helpers/graphs';
import { resnet50, vgg16 } from '../../helpers/reference-nets';

describe('published reference figures', () => {
  it('VGG-16: 138,357,544 parameters, ~15.47 G MACs, pool5 sees 212 pixels with jump 32', () => {
    // Trained with Adam at batch 64 it needs ~29 GiB: over NetCanvas's training budget, fine on a big enough machine.
    expect(checkGraph(vgg16()).diagnostics.map((d) => d.code)).toEqual(['too-large']);
    const r = checkGraph(vgg16(), { memoryBytes: 64 * 1024 ** 3 });
    expect(r.ok).toBe(true);
    expect(r.totals.params).toBe(138_357_544);
    expect(r.totals.macs / 1e9).toBeCloseTo(15.47, 2);
    expect(r.nodes.pool5!.outputShape).toEqual([7, 7, 512]);
    expect(r.nodes.pool5!.receptiveField).toMatchObject({ size: [212, 212], jump: [32, 32] });
  });

  it('ResNet-50 (torchvision): 25,557,032 parameters, batchNorm counted as 2·C', () => {
    const r = checkGraph(resnet50(), { memoryBytes: 64 * 1024 ** 3 });
    expect(r.diagnostics).toEqual([]);
    expect(r.totals.params).toBe(25_557_032);
    const last = r.nodes[r.outputIds[0]!]!;
    expect(last.outputShape).toEqual([1000]);
  });

  it('LeNet-5 on 32×32: 61,706 parameters', () => {
    const r = checkGraph(
      chain(
        ['in', 'input', { shape: [32, 32, 1] }],
        ['c1', 'conv2d', { filters: 6, kernelSize: 5 }],
        ['s2', 'avgPool2d', {}],
        ['c3', 'conv2d', { filters: 16, kernelSize: 5 }],
        ['s4', 'avgPool2d', {}],
        ['f', 'flatten'],
        ['f5', 'dense', { units: 120 }],
        ['f6', 'dense', { units: 84 }],
        ['out', 'dense', { units: 10 }],
      ),
    );
    expect(r.totals.params).toBe(61_706);
    expect(r.nodes.c1!.macs).toBe(28 * 28 * 6 * 25);
  });
});
