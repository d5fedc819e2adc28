import { NO_COST, isSpatial, needsSpatial, type LayerSpec } from './spec';

/** Averages each channel over the whole image: the head of fully-convolutional nets and ResNets. */
export const globalAvgPool2d: LayerSpec = {
  type: 'globalAvgPool2d',
  label: 'Global avg pool',
  category: 'conv',
  doc: 'Averages each channel over all positions: [H, W, C] becomes [C].',
  params: {},
  arity: { min: 1, max: 1 },
  outputShape({ inputs: [input] }) {
    if (!isSpatial(input)) return { problem: needsSpatial('globalAvgPool2d', input!) };
    return { shape: [input[2]] };
  },
  receptiveField: () => null,
  keepsLayout: false,
  ...NO_COST,
};
