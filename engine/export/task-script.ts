/**
 * What the exported training scripts take from the task registry (engine/task): the final layer
 * the loss folds in, and the tasks' metrics written out in Python, so that PyTorch's and Keras's
 * scripts report mean IoU, pixel accuracy and PSNR exactly as the app computes them
 * (engine/task/metrics.ts). Each script's per-task code is a table typed over every task id
 * (./pytorch/task-code.ts, ./keras/task-code.ts, ./tfjs/task-code.ts): the emitted script holds the
 * graph's task only, so it never branches on a task's name.
 */
import { resolveTrainingConfig } from '../graph/training';
import type { LossId, TaskId } from '../task/ids';
import { PSNR_CAP_DB } from '../task/metrics';
import { TASKS } from '../task/registry';
import type { TaskSpec } from '../task/types';
import type { ExportPlan } from './plan';

/** Test samples each epoch's view shows (the app's VIEW_SAMPLES, engine/train/task-views.ts). */
export const SCRIPT_VIEW_SAMPLES = 8;

export interface ExportTask {
  readonly id: TaskId;
  readonly spec: TaskSpec;
  readonly loss: LossId;
  /**
   * The graph's final layer when the task's loss folds it in (a softmax for cross-entropy, a
   * sigmoid for reconstruction): the scripts' scores stop before it. null: the output is the scores.
   */
  readonly foldedActivation: 'softmax' | 'sigmoid' | null;
}

/** The graph's task as the exporters see it (classification when the training settings are invalid: the scripts refuse those later). */
export function exportTask(plan: ExportPlan): ExportTask {
  const resolved = resolveTrainingConfig(plan.doc.training);
  const id: TaskId = resolved.ok ? resolved.config.task : 'classification';
  const spec = TASKS[id];
  const loss = resolved.ok ? resolved.config.loss : 'crossEntropy';
  const folded = spec.training.scoresBefore;
  return { id, spec, loss, foldedActivation: plan.output.type === folded ? folded : null };
}

/**
 * engine/task/metrics.ts in plain Python (lists and floats), shared by the PyTorch and Keras
 * scripts: IoU per class from confusion[true][predicted], their mean over the defined ones, pixel
 * accuracy, and PSNR for pixels in [0, 1], capped as the app caps it.
 */
export const PY_TASK_METRICS = String.raw`
PSNR_CAP_DB = ${PSNR_CAP_DB}


def per_class_iou(confusion):
    """IoU of each class: C[c][c] / (row c + column c - C[c][c]); None where the class is neither present nor predicted."""
    n = len(confusion)
    out = []
    for c in range(n):
        hit = confusion[c][c]
        union = sum(confusion[c]) + sum(confusion[k][c] for k in range(n)) - hit
        out.append(hit / union if union > 0 else None)
    return out


def mean_iou(ious):
    """The mean of the defined IoUs, background included (PASCAL VOC's convention); 0 when none is defined."""
    defined = [v for v in ious if v is not None]
    return sum(defined) / len(defined) if defined else 0.0


def pixel_accuracy(confusion):
    total = sum(sum(row) for row in confusion)
    return sum(confusion[c][c] for c in range(len(confusion))) / total if total > 0 else 0.0


def psnr(mse):
    """10·log10(1 / MSE) for values in [0, 1], at most PSNR_CAP_DB (a perfect copy would be infinite)."""
    return PSNR_CAP_DB if not mse > 0 else min(PSNR_CAP_DB, 10 * math.log10(1 / mse))


def as_confusion(sums, classes):
    """The flat sums of a classification or segmentation run as confusion[true][predicted]."""
    return [[sums[t * classes + p] for p in range(classes)] for t in range(classes)]
`;

/**
 * `task_metrics(sums, samples)` → (accuracy or None, {metric: value}, IoU per class or None), from a
 * split's summed sums (CLASSES, VALUES_PER_SAMPLE: the script's globals), for each task: what the
 * registry's `training.metrics` computes (engine/task/<task>.ts).
 */
export const PY_TASK_METRICS_FN: { readonly [T in TaskId]: string } = {
  classification: String.raw`
def task_metrics(sums, samples):
    accuracy = pixel_accuracy(as_confusion(sums, CLASSES)) if samples else 0.0
    return accuracy, {"accuracy": accuracy}, None
`,
  segmentation: String.raw`
def task_metrics(sums, samples):
    confusion = as_confusion(sums, CLASSES)
    ious = per_class_iou(confusion)
    accuracy = pixel_accuracy(confusion)
    return accuracy, {"meanIoU": mean_iou(ious), "pixelAccuracy": accuracy}, ious
`,
  reconstruction: String.raw`
def task_metrics(sums, samples):
    mse = sums[0] / (samples * VALUES_PER_SAMPLE) if samples else 0.0
    return None, {"psnr": psnr(mse), "mse": mse}, None
`,
};
