/**
 * The task's part of the Keras train.py, one entry per task of the registry (engine/task): the
 * targets `fit` compares with, the loss (the app's, engine/task/<task>.ts) and which of the two
 * models it trains (the scores before the final layer the loss folds in, or the output), and the
 * sums the metrics are folded from, in NumPy. The script holds the graph's task only:
 *
 * - `task_target(x, y, masks)` → the targets of a split; `LOSS`, `TRAINED` ("logits" or "output");
 * - `task_sums(scores, output, target)` → a list of numbers (`task_metrics`: ../task-script.ts).
 */
import type { TaskId } from '../../task/ids';
import type { ExportTask } from '../task-script';

const CONFUSION_SUMS = String.raw`
def task_sums(scores, output, target):
    classes = scores.shape[-1]
    index = target.reshape(-1).astype("int64") * classes + scores.argmax(-1).reshape(-1)
    return np.bincount(index, minlength=classes * classes).astype("float64").tolist()
`;

const CROSS_ENTROPY = String.raw`
# Softmax cross-entropy on the scores, the mean over samples (or pixels: Keras averages over every axis but the last).
LOSS = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
TRAINED = "logits"
`;

export const KERAS_TASK_CODE: { readonly [T in TaskId]: (task: ExportTask) => string } = {
  classification: () => String.raw`${CROSS_ENTROPY}

def task_target(x, y, masks):
    return y

${CONFUSION_SUMS}`,

  segmentation: () => String.raw`${CROSS_ENTROPY}

def task_target(x, y, masks):
    if masks is None:
        raise SystemExit("segmentation needs a class for every pixel: a folder of images/ and masks/, or an IDX folder with train-masks-idx3-ubyte (like embedded:mnist-segmentation)")
    return masks.astype("int64")

${CONFUSION_SUMS}`,

  reconstruction: (task) => String.raw`
${
  task.loss === 'bce'
    ? '# Binary cross-entropy on the scores before the sigmoid (stable for large scores), the mean over every value.\nLOSS = keras.losses.BinaryCrossentropy(from_logits=True)\nTRAINED = "logits"'
    : 'LOSS = keras.losses.MeanSquaredError()\nTRAINED = "output"'
}


def task_target(x, y, masks):
    return x


def task_sums(scores, output, target):
    return [float(np.square(output.astype("float64") - target).sum())]
`,
};
