import { elementwiseLayer } from './elementwise';

/** Zeroes a random fraction of units while training and scales the rest by 1/(1−rate) (inverted dropout). */
export const dropout = elementwiseLayer({
  type: 'dropout',
  label: 'Dropout',
  category: 'regularisation',
  doc: 'While training, zeroes each unit with probability rate; does nothing at test time (the survivors are scaled up while training instead).',
  params: {
    rate: { kind: 'float', min: 0, max: 1, maxInclusive: false, default: 0.5, doc: 'Fraction of units dropped while training.' },
  },
  trainVsTest: (params) => {
    const rate = params.rate as number;
    const kept = +(100 * (1 - rate)).toPrecision(3);
    return {
      training: `each unit is zeroed with probability ${rate}; the ${kept}% kept are multiplied by ${+(1 / (1 - rate)).toPrecision(3)} (1/(1 − rate)), so the expected activation is unchanged`,
      test: 'every unit passes unchanged and nothing is scaled: the scaling was done while training (inverted dropout)',
    };
  },
});
