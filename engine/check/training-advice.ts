/**
 * Settings that are valid but almost certainly a slip: a learning rate far above what the chosen
 * optimizer takes (10 with Adam gives a loss near 10,000 within a batch). Warnings with a fix,
 * before training; the limits are deliberately generous so ordinary experiments never trip them.
 */
import { resolveTrainingConfig } from '../graph/training';
import type { GraphDoc } from '../graph/types';
import { diagnostic, type Diagnostic } from './diagnostics';

/** Per optimizer: the usual range (said in the message), where the warning starts, and the value the fix sets. */
const LEARNING_RATES = {
  adam: { usual: '0.0001 to 0.01', above: 0.05, suggest: 0.001 },
  sgd: { usual: '0.001 to 0.1', above: 0.5, suggest: 0.01 },
} as const;

export function trainingAdvice(doc: GraphDoc): Diagnostic[] {
  const resolved = resolveTrainingConfig(doc.training);
  if (!resolved.ok) return [];
  const { optimizer, learningRate } = resolved.config;
  const rates = LEARNING_RATES[optimizer];
  if (learningRate <= rates.above) return [];
  const name = optimizer === 'adam' ? 'Adam' : 'SGD';
  return [
    diagnostic(
      'learning-rate-high',
      null,
      `the learning rate ${learningRate} is far above what ${name} usually takes (${rates.usual}): the loss will most likely blow up in the first batches`,
      { fix: { label: `Use ${rates.suggest}`, action: { kind: 'setTraining', field: 'learningRate', value: rates.suggest } } },
    ),
  ];
}
