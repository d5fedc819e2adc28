/** The inspector's training vs test-time sentences follow the node's params. */
import { describe, expect, it } from 'vitest';
import { getLayer } from '../../../engine/layers/registry';

const explain = (type: string, params: Record<string, unknown>) => getLayer(type)!.trainVsTest!(params);

describe('trainVsTest', () => {
  it('dropout: the kept fraction and its scale while training, nothing at test time', () => {
    expect(explain('dropout', { rate: 0.5 }).training).toContain('probability 0.5; the 50% kept are multiplied by 2 ');
    expect(explain('dropout', { rate: 0.2 }).training).toContain('the 80% kept are multiplied by 1.25 ');
    expect(explain('dropout', { rate: 0.2 }).test).toMatch(/nothing is scaled/);
  });

  it('batch norm: how many batches the running statistics follow', () => {
    expect(explain('batchNorm', { momentum: 0.99 }).test).toContain('(roughly the last 100 batches)');
    expect(explain('batchNorm', { momentum: 0.9 }).training).toContain('running ← 0.9·running + 0.1·batch');
    expect(explain('batchNorm', { momentum: 0 }).test).toContain('(the last batch’s alone)');
    expect(explain('batchNorm', { momentum: 1 }).test).toContain('never move');
  });

  it('only layers that differ between training and test explain themselves', () => {
    expect(getLayer('conv2d')!.trainVsTest).toBeUndefined();
    expect(getLayer('relu')!.trainVsTest).toBeUndefined();
  });
});
