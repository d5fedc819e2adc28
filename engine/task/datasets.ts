/**
 * What the checker knows of a graph's dataset before loading it: the embedded sets' shapes, class
 * counts and masks (the same numbers their loaders produce, checked by a test). Pure.
 */
import type { FitFacts } from './fit';

type Facts = Pick<FitFacts, 'shape' | 'numClasses' | 'masks'> & { readonly classNames: readonly string[] };

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

const EMBEDDED_FACTS: Readonly<Record<string, Facts>> = {
  'embedded:mnist': { shape: [28, 28, 1], numClasses: 10, classNames: DIGITS },
  'embedded:mnist-segmentation': { shape: [64, 64, 1], numClasses: 11, masks: { shape: [64, 64] }, classNames: ['background', ...DIGITS] },
};

/** The facts of `source` when it names an embedded set, else undefined (a folder: known only once loaded). */
export function knownDatasetFacts(source: unknown): Facts | undefined {
  return typeof source === 'string' && Object.prototype.hasOwnProperty.call(EMBEDDED_FACTS, source) ? EMBEDDED_FACTS[source] : undefined;
}
