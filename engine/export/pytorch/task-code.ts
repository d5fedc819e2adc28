/**
 * The task's part of the PyTorch train.py, one entry per task of the registry (engine/task): what
 * each batch is compared with, the loss (the app's, engine/task/<task>.ts), the sums a batch adds
 * up, the metrics folded from them, and what `done` and each epoch report besides. The script holds
 * these functions for the graph's task only:
 *
 * - `task_check(data, sample)` → the output's classes (or channels), after checking the model fits the data;
 * - `task_target(data, split, unit)` → the targets of a split (`unit`: its samples as NCHW pixels in [0, 1]);
 * - `task_loss(scores, output, target)`, `task_sums(scores, output, target)` (a 1-D tensor of SUMS_LENGTH);
 * - (`task_metrics(sums, samples)` is shared with Keras: ../task-script.ts);
 * - `task_view(model, x, target, raw)` → an epoch's view (masks, reconstructions) or None;
 * - `task_done(model, x, target, raw, sums)` → `done`'s task fields.
 */
import type { TaskId } from '../../task/ids';
import type { ExportTask } from '../task-script';

/** Confusion counts over samples (classification) or pixels (segmentation): one bincount, classes² numbers. */
const CONFUSION_SUMS = String.raw`
def task_sums(scores, output, target):
    classes = scores.shape[1]
    counts = torch.bincount((target * classes + scores.argmax(1)).reshape(-1), minlength=classes * classes)
    return counts.to("cpu", torch.float64)`;

const PIXELS = String.raw`
def pixel_bytes(raw, i):
    """Sample i as 0–255 bytes, channels-last, as the app's views draw it."""
    pixels = raw[i] if raw.dtype == torch.uint8 else (raw[i] * 255).clamp(0, 255).round()
    return [int(v) for v in pixels.reshape(-1).tolist()]


def first_outputs(model, x):
    """Scores and outputs of the split's first VIEW_SAMPLES samples, in inference mode."""
    model.eval()
    with torch.no_grad():
        scores = model(x[:VIEW_SAMPLES].to(DEVICE), return_logits=True)
        output = final_activation(scores)
    model.train()
    return scores.cpu(), output.cpu()`;

export const PYTORCH_TASK_CODE: { readonly [T in TaskId]: (task: ExportTask) => string } = {
  classification: () => String.raw`
def task_check(data, sample):
    if OUTPUT_UNITS == 0:
        raise GraphError(f"the model's output is {OUTPUT_SHAPE} per sample: a classifier needs a vector of class scores (a dense layer, or a 1×1 conv and a global average pool)")
    if len(data["class_names"]) > OUTPUT_UNITS:
        raise DatasetError(f"{data['name']} has {len(data['class_names'])} classes but the output layer has {OUTPUT_UNITS} units")
    return OUTPUT_UNITS


def task_target(data, split, unit):
    return data[split][1]


def task_loss(scores, output, target):
    return F.cross_entropy(scores, target)

${CONFUSION_SUMS}

SUMS_LENGTH = lambda classes: classes * classes




${PIXELS}


def task_view(model, x, target, raw):
    return None


def task_done(model, x, target, raw, sums):
    """The confusion matrix and up to 12 misclassified test samples with the net's confidence."""
    model.eval()
    confidences, predictions = [], []
    with torch.no_grad():
        for start in range(0, len(x), ARGS.batch_size):
            probabilities = torch.softmax(model(x[start:start + ARGS.batch_size].to(DEVICE), return_logits=True), 1).cpu()
            confidences.append(probabilities.max(1).values)
            predictions.append(probabilities.argmax(1))
    model.train()
    confidence, predicted = torch.cat(confidences), torch.cat(predictions)
    wrong = (predicted != target).nonzero().flatten()[:12].tolist()
    return {"confusion": [[int(v) for v in row] for row in as_confusion(sums, CLASSES)],
            "misclassified": [{"index": i, "label": int(target[i]), "predicted": int(predicted[i]), "confidence": float(confidence[i]),
                               "pixels": pixel_bytes(raw, i), "shape": list(raw[i].shape)} for i in wrong]}
`,

  segmentation: () => String.raw`
def task_check(data, sample):
    masks = data.get("masks")
    if not masks:
        raise DatasetError(f"{data['name']} has no masks: segmentation needs a class for every pixel (a folder of images/ and masks/, or an IDX folder with train-masks-idx3-ubyte like embedded:mnist-segmentation)")
    wanted = list(masks["train"].shape[1:]) + [len(data["class_names"])]
    if OUTPUT_SHAPE != wanted:
        raise GraphError(f"the model's output is {OUTPUT_SHAPE} per sample, but segmentation on {data['name']} needs {wanted}: one score per class at every pixel of the mask")
    return OUTPUT_SHAPE[-1]


def task_target(data, split, unit):
    return data["masks"][split].long()


def task_loss(scores, output, target):
    # Per-pixel cross-entropy, the mean over every pixel of the batch: scores [B, classes, H, W], target [B, H, W].
    return F.cross_entropy(scores, target)

${CONFUSION_SUMS}

SUMS_LENGTH = lambda classes: classes * classes



${PIXELS}


def task_view(model, x, target, raw):
    """The first test images with their true and predicted masks (class ids, row-major)."""
    if len(x) == 0:
        return None
    predicted = first_outputs(model, x)[0].argmax(1)
    return {"kind": "masks", "samples": [{"index": i, "pixels": pixel_bytes(raw, i), "shape": list(raw[i].shape),
                                          "truth": target[i].reshape(-1).tolist(), "predicted": predicted[i].reshape(-1).tolist()}
                                         for i in range(len(predicted))]}


def task_done(model, x, target, raw, sums):
    return {"perClassIoU": task_metrics(sums, len(x))[2], "view": task_view(model, x, target, raw)}
`,

  reconstruction: (task) => String.raw`
def task_check(data, sample):
    if OUTPUT_SHAPE != sample:
        raise GraphError(f"the model's output is {OUTPUT_SHAPE} per sample, but reconstruction on {data['name']} needs {sample}: the input's shape, in [0, 1] (a sigmoid at the end)")
    return OUTPUT_SHAPE[-1]


def task_target(data, split, unit):
    return unit


def task_loss(scores, output, target):
${
  task.loss === 'bce'
    ? '    # Binary cross-entropy on the scores before the sigmoid (stable for large scores), the mean over every value.\n    return F.binary_cross_entropy_with_logits(scores, target)'
    : '    return F.mse_loss(output, target)'
}


def task_sums(scores, output, target):
    return (output - target).pow(2).sum().reshape(1).to("cpu", torch.float64)


SUMS_LENGTH = lambda classes: 1



${PIXELS}


def task_view(model, x, target, raw):
    """The first test images above the net's reconstructions, as 0–255 bytes, channels-last."""
    if len(x) == 0:
        return None
    output = first_outputs(model, x)[1]
    rebuilt = (output.clamp(0, 1) * 255).round().permute(0, 2, 3, 1) if output.dim() == 4 else (output.clamp(0, 1) * 255).round()
    return {"kind": "reconstructions", "samples": [{"index": i, "pixels": pixel_bytes(raw, i), "reconstruction": [int(v) for v in rebuilt[i].reshape(-1).tolist()],
                                                    "shape": list(raw[i].shape)} for i in range(len(rebuilt))]}


def task_done(model, x, target, raw, sums):
    return {"view": task_view(model, x, target, raw)}
`,
};
