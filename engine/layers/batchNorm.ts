import { elementwiseLayer } from './elementwise';
import type { LayerSpec } from './spec';

const base = elementwiseLayer({
  type: 'batchNorm',
  label: 'Batch norm',
  category: 'regularisation',
  doc: 'Normalises each channel over the minibatch, then scales and shifts it with learned γ and β.',
  params: {
    momentum: {
      kind: 'float',
      min: 0,
      max: 1,
      default: 0.99,
      doc: "How slowly the running mean and variance used at test time follow the batches. 0.99 suits long training; in a run of a few hundred steps they lag behind the weights and validation accuracy looks far worse than training accuracy. 0.9 (PyTorch's default) follows faster.",
    },
    epsilon: {
      kind: 'float',
      min: 0,
      max: 1,
      minInclusive: false,
      default: 0.001,
      doc: 'Added to the variance to avoid dividing by zero.',
    },
  },
  trainVsTest: (params) => {
    const momentum = params.momentum as number;
    // Momentum 0 keeps only the last batch; 1 never moves (both allowed, neither useful).
    const batches = +(1 / (1 - momentum)).toPrecision(2);
    const window =
      momentum === 1
        ? ' (which never move from their start: momentum 1)'
        : batches <= 1
          ? ' (the last batch’s alone)'
          : ` (roughly the last ${batches} batches)`;
    return {
      training: `each channel is normalised with this minibatch's own mean and variance, and the running averages move toward them: running ← ${momentum}·running + ${+(1 - momentum).toPrecision(3)}·batch`,
      test: `each channel is normalised with the running mean and variance${window}, so one image's output does not depend on the others in its batch`,
    };
  },
});

type Role = 'gamma' | 'beta' | 'moving_mean' | 'moving_variance';

/** γ and β per channel are learned; the running statistics are the layer's own (not counted as parameters, as in PyTorch). */
export const batchNorm: LayerSpec<Role> = {
  ...base,
  weights(_ctx, output) {
    const channels = [output[output.length - 1]!];
    const one = (role: Role, trainable: boolean, init: 'zeros' | 'ones') => ({ role, shape: channels, trainable, decayed: false, init });
    return [
      one('gamma', true, 'ones'),
      one('beta', true, 'zeros'),
      one('moving_mean', false, 'zeros'),
      one('moving_variance', false, 'ones'),
    ];
  },
};
