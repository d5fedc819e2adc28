/**
 * Does this dataset fit this graph? Pure (no I/O, no tfjs), so the renderer can show the answer next to
 * the input node before anyone presses Train.
 */
import { DatasetError, type Dataset, type Split } from './types';

function describeSample(shape: readonly number[]): string {
  if (shape.length === 1) return `samples have ${shape[0]} features`;
  if (shape.length === 3) return `images are ${shape.join('×')}`;
  return `samples are ${shape.join('×')}`;
}

function describeInput(shape: readonly number[]): string {
  return shape.length === 1 ? `${shape[0]} features` : shape.join('×');
}

/**
 * A message when the dataset's sample shape differs from the graph's input shape, or its number of
 * classes from the final layer's units (`outputUnits` null: not checked); null when it fits.
 *
 * @example checkDatasetFits(cifar, [28, 28, 1], 10)
 * // "the dataset's images are 32×32×3 but the graph's input is 28×28×1"
 */
export function checkDatasetFits(
  ds: Pick<Dataset, 'shape' | 'numClasses'>,
  inputShape: readonly number[],
  outputUnits: number | null,
): string | null {
  const problems: string[] = [];
  const same = ds.shape.length === inputShape.length && ds.shape.every((d, i) => d === inputShape[i]);
  if (!same) {
    const total = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
    const hint = total(ds.shape) === total(inputShape) ? ' (the same number of values, arranged differently: change the input shape)' : '';
    problems.push(`the dataset's ${describeSample(ds.shape)} but the graph's input is ${describeInput(inputShape)}${hint}`);
  }
  if (outputUnits !== null && outputUnits !== ds.numClasses) {
    problems.push(`the dataset has ${ds.numClasses} classes but the final layer has ${outputUnits} unit${outputUnits === 1 ? '' : 's'}`);
  }
  return problems.length > 0 ? problems.join('; ') : null;
}

/** The split a trained net is measured on: the test split, or the training split when the dataset has none. */
export interface MeasuredSplit {
  readonly split: Split;
  readonly which: 'test' | 'train';
}

/**
 * Checks that every net fits the dataset, then picks the split to measure them on — what
 * `netcanvas evaluate` (plain, `--mc-dropout`, `--ensemble`) and the app's inspection requests share.
 * Throws DatasetError ("<dataset> does not fit the graph: …") for the first net that does not fit.
 *
 * @example fitAndSplit(mnist, [{ inputShape: [28, 28, 1], numClasses: 10 }]) // { split: mnist.test, which: 'test' }
 */
export function fitAndSplit(
  ds: Dataset,
  nets: readonly { readonly inputShape: readonly number[]; readonly numClasses: number | null }[],
): MeasuredSplit {
  for (const net of nets) {
    const misfit = checkDatasetFits(ds, net.inputShape, net.numClasses);
    if (misfit) throw new DatasetError(`${ds.name} does not fit the graph: ${misfit}`);
  }
  return ds.test && ds.test.count > 0 ? { split: ds.test, which: 'test' } : { split: ds.train, which: 'train' };
}
