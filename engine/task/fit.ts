/**
 * Does a dataset fit a graph for its task? The trainer refuses a run with this message, and the
 * checker reports the same facts on the canvas with fixes. Pure (types only).
 */
import { checkDatasetFits } from '../data/fit';
import type { Dataset } from '../data/types';
import { formatShape } from '../layers/spec';
import type { TaskId } from './ids';
import { TASKS } from './registry';

export type FitFacts = Pick<Dataset, 'name' | 'shape' | 'numClasses' | 'masks' | 'unlabelled'>;

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** What a task's output must be for this dataset: [classes], [H, W, classes] or the samples' shape. */
export function expectedOutput(task: TaskId, ds: FitFacts): number[] | null {
  switch (TASKS[task].target) {
    case 'labels':
      return [ds.numClasses];
    case 'masks':
      return ds.masks ? [...ds.masks.shape, ds.numClasses] : null;
    case 'input':
      return [...ds.shape];
  }
}

/** A message naming what does not fit (one line, for the user), or null. */
export function taskMisfit(task: TaskId, ds: FitFacts, inputShape: readonly number[], outputShape: readonly number[]): string | null {
  const spec = TASKS[task];
  if (spec.target === 'labels' && ds.unlabelled) {
    return `${ds.name} has a mask per image but no class per image: train it for segmentation or reconstruction (the training form's task)`;
  }
  if (spec.target === 'masks' && !ds.masks) {
    return `${ds.name} has no masks: segmentation needs a class for every pixel (embedded:mnist-segmentation, or a folder with images/ and masks/)`;
  }
  if (spec.target === 'labels') {
    if (outputShape.length !== 1) {
      // A spatial output (a fully convolutional graph) can stay fully convolutional: scores per class
      // from a 1×1 conv, averaged over the image.
      const fix =
        outputShape.length === 3
          ? `end the graph in a 1×1 conv with ${ds.numClasses} filters and a global average pool, which keeps it fully convolutional, or in a flatten and a dense layer with ${ds.numClasses} units`
          : `end the graph in a dense layer with ${ds.numClasses} units`;
      return `the graph's output is ${outputShape.join('×')} per sample, but ${ds.name} is a classification dataset that needs one score per class: ${fix}`;
    }
    const misfit = checkDatasetFits(ds, inputShape, outputShape[0]!);
    return misfit && `${ds.name} does not fit the graph: ${misfit}`;
  }
  const misfit = checkDatasetFits(ds, inputShape, null);
  if (misfit) return `${ds.name} does not fit the graph: ${misfit}`;
  const wanted = expectedOutput(task, ds)!;
  if (!same(outputShape, wanted)) {
    return `the graph's output is ${formatShape(outputShape)} per sample, but ${spec.label.toLowerCase()} on ${ds.name} needs ${formatShape(wanted)}: ${spec.output}`;
  }
  return null;
}
