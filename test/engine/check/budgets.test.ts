/**
 * What can be built: every numeric param has a cap, and shapes, parameters, multiply-adds and
 * training memory stay finite and under the documented limits, reported as errors on the node
 * with a fix, so `check` passing means training can start. (kernelSize 1e308 printed
 * "Total params: ∞ … No problems found".)
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../engine/check/budgets';
import { checkGraph } from '../../../engine/check/checkGraph';
import { applyFix } from '../../../engine/graph/edits';
import { parseGraph } from '../../../engine/graph/load';
import type { GraphDoc } from '../../../engine/graph/types';
import { chain, type NodeSpec } from '../../helpers/graphs';

const IN: NodeSpec = ['in', 'input', { shape: [28, 28, 1] }];
const text = (doc: GraphDoc) => JSON.stringify(doc);

describe('param caps (the file is refused with the place named)', () => {
  it.each([
    ['conv kernelSize 1e308', ['c', 'conv2d', { filters: 4, kernelSize: 1e308, padding: 'same' }], 'nodes[1].params.kernelSize'],
    ['conv strides 1e9', ['c', 'conv2d', { filters: 4, kernelSize: 3, strides: 1e9 }], 'nodes[1].params.strides'],
    ['conv dilation [1, 5000]', ['c', 'conv2d', { filters: 4, kernelSize: 3, dilation: [1, 5000] }], 'nodes[1].params.dilation'],
    ['conv padding 1e9', ['c', 'conv2d', { filters: 4, kernelSize: 3, padding: 1e9 }], 'nodes[1].params.padding'],
    ['pool size 1e300', ['p', 'maxPool2d', { poolSize: 1e300 }], 'nodes[1].params.poolSize'],
    ['upsample size 100000', ['u', 'upsample2d', { size: 100000 }], 'nodes[1].params.size'],
  ] as [string, NodeSpec, string][])('%s', (_name, node, where) => {
    const r = parseGraph(text(chain(IN, node)));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(new RegExp(`^${where.replace(/[[\].]/g, '\\$&')}: expected .* up to 4096`));
  });

  it('an input dimension of 1e308 is refused', () => {
    const r = parseGraph(text(chain(['in', 'input', { shape: [1e308, 1, 1] }])));
    expect(!r.ok && r.error).toMatch(/^nodes\[0\]\.params\.shape: expected a shape .* up to 16777216/);
  });
});

describe('budgets (errors on the node, with a fix)', () => {
  it('filters 65,536 on 28×28 at batch 64: the memory it needs, and a filters value that fits', () => {
    const doc = chain(
      IN,
      ['c', 'conv2d', { filters: 65536, kernelSize: 3, padding: 'same' }],
      ['g', 'globalAvgPool2d'],
      ['d', 'dense', { units: 10 }],
    );
    const r = checkGraph(doc);
    expect(r.ok).toBe(false);
    const d = r.diagnostics.find((x) => x.code === 'too-large')!;
    expect(d).toMatchObject({ severity: 'error', nodeId: 'c', param: 'filters' });
    expect(d.message).toMatch(
      /^c: training this graph at batch size 64 needs about [\d.]+ GiB .* more than the 2\.0 GiB NetCanvas trains in; lower the batch size to \d+, or make c smaller$/,
    );
    const fixed = checkGraph(applyFix(doc, d.fix!.action));
    expect(fixed.ok).toBe(true);
    expect(fixed.nodes.c!.resolvedParams.filters).toBeLessThan(65536);
  });

  it('the batch size counts: the same graph fits at batch 1, and the trainer can check with its own', () => {
    const doc = chain(
      IN,
      ['c', 'conv2d', { filters: 8192, kernelSize: 3, padding: 'same' }],
      ['g', 'globalAvgPool2d'],
      ['d', 'dense', { units: 10 }],
    );
    expect(checkGraph(doc).ok).toBe(false);
    expect(checkGraph({ ...doc, training: { batchSize: 1 } }).ok).toBe(true);
    expect(checkGraph(doc, { batchSize: 1 }).ok).toBe(true);
  });

  it('a dense layer of 1,000,000 units on 784 inputs: 784 M weights are too many to train', () => {
    const doc = chain(IN, ['f', 'flatten'], ['d', 'dense', { units: 1_000_000 }]);
    const d = checkGraph(doc).diagnostics.find((x) => x.code === 'too-large')!;
    expect(d).toMatchObject({ nodeId: 'd', fix: { label: expect.stringMatching(/^Set units to \d+$/) } });
    expect(checkGraph(applyFix(doc, d.fix!.action)).ok).toBe(true);
  });

  it('upsampling by 4096 twice: shapes stay finite numbers and the node is named', () => {
    const doc = chain(IN, ['u1', 'upsample2d', { size: 4096 }], ['u2', 'upsample2d', { size: 4096 }]);
    const r = checkGraph(doc);
    expect(r.ok).toBe(false);
    // 28·4096·4096 pixels a side: past 2^53 elements, not a number anything can build.
    expect(r.diagnostics.map((x) => [x.code, x.nodeId])).toEqual([['beyond-limits', 'u2']]);
  });

  it('multiply-adds over the limit at a small memory footprint', () => {
    const doc = {
      ...chain(['in', 'input', { shape: [1024, 1024, 3] }], ['c', 'conv2d', { filters: 16, kernelSize: 101, padding: 'same' }]),
      training: { batchSize: 1 },
    };
    const d = checkGraph(doc).diagnostics.find((x) => x.code === 'too-large')!;
    expect(d.nodeId).toBe('c');
    expect(d.message).toMatch(/multiply-adds per sample .* more than the 100 G NetCanvas trains/);
    expect(LIMITS.macs).toBe(1e11);
  });

  it('every template stays within every budget', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    for (const name of readdirSync('templates').filter((n) => n.endsWith('.json'))) {
      const r = parseGraph(readFileSync(`templates/${name}`, 'utf8'));
      expect(r.ok && checkGraph(r.doc).diagnostics.filter((d) => d.code === 'too-large'), name).toEqual([]);
    }
  });
});

describe('budgets and exports', () => {
  it('a graph over the training budget still exports (the code is for machines with the memory); one beyond counting does not', async () => {
    const { planExport, ExportError } = await import('../../../engine/export/plan');
    const { vgg16 } = await import('../../helpers/reference-nets');
    expect(planExport(vgg16()).steps.length).toBeGreaterThan(30);
    const ups = Array.from({ length: 90 }, (_, i): NodeSpec => [`u${i}`, 'upsample2d', { size: 4096 }]);
    const huge = chain(['in', 'input', { shape: [16_777_216, 1, 1] }], ...ups);
    const r = checkGraph(huge);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['beyond-limits']);
    expect(r.diagnostics[0]!.message).toMatch(/^u\d+: its output .* is too large to be counted exactly, let alone built/);
    expect(() => planExport(huge)).toThrow(ExportError);
  });
});

describe('depth', () => {
  it('a chain deeper than 12,000 layers is refused on its deepest node; 10,000 passes', async () => {
    const { deepChain } = await import('../../helpers/deepGraphs');
    expect(checkGraph(deepChain(10_000)).ok).toBe(true);
    const r = checkGraph(deepChain(12_500));
    expect(r.diagnostics.map((d) => [d.code, d.nodeId])).toEqual([['too-large', 'n12499']]);
    expect(r.diagnostics[0]!.message).toBe(
      'n12499: the graph is 12,500 layers deep on its longest path, more than the 12,000 NetCanvas builds; shorten it',
    );
  });
});
