import { NO_COST, type LayerSpec } from './spec';

/** Unrolls [H, W, C] into one vector (row-major, channels last) so dense layers can read it. */
export const flatten: LayerSpec = {
  type: 'flatten',
  label: 'Flatten',
  category: 'dense',
  doc: 'Unrolls an image [H, W, C] into a vector [H·W·C] for dense layers.',
  params: {},
  arity: { min: 1, max: 1 },
  outputShape: ({ inputs: [input] }) => ({ shape: [input!.reduce((a, b) => a * b, 1)] }),
  receptiveField: () => null,
  keepsLayout: false,
  ...NO_COST,
};
