/**
 * Writes the Keras 3 `train.py`: IDX (raw/.gz), a segmentation folder (images/ + masks/) or CSV data, the graph's optimizer, schedule and
 * per-layer L2 (as kernel regularizers in model.py), `model.fit`, and the app's JSON events.
 */
import type { ExportPlan } from '../plan';
import type { Optimizer } from '../../graph/training';
import { scriptConfig } from '../../graph/training-options';
import { PY_LEARNING_RATE_AT, pyDispatch, pyLiteral, pyString } from '../python';
import { exportTraining } from '../training-config';
import type { ExportOptions } from '../types';
import { exportTask, PY_TASK_METRICS, PY_TASK_METRICS_FN } from '../task-script';
import { KERAS_TASK_CODE } from './task-code';
import { PY_MASK_FOLDER } from '../mask-folder-py';

/** Each optimizer in Keras, as the app's trainer builds it (engine/train/config.ts). */
const KERAS_OPTIMIZERS: Record<Optimizer, string> = {
  adam: 'keras.optimizers.Adam(learning_rate=CONFIG["learningRate"], beta_1=CONFIG["adamBeta1"], beta_2=CONFIG["adamBeta2"], epsilon=CONFIG["adamEpsilon"])',
  sgd: 'keras.optimizers.SGD(learning_rate=CONFIG["learningRate"], momentum=CONFIG["momentum"], nesterov=CONFIG["nesterov"])',
};

const BODY = String.raw`
class DatasetError(Exception):
    """A problem with the user's data; main() stops with its message."""


${PY_MASK_FOLDER}

def emit(event):
    print(json.dumps({"runId": "keras", **event}), flush=True)


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if path.endswith(".gz") else data


def load_idx(folder, split, limit):
    names = os.listdir(folder)
    find = lambda kind: next((n for n in names if re.match(rf"^{split}-{kind}[-.]idx[13]-ubyte(\.gz)?$", n)), None)
    images, labels = find("images"), find("labels")
    if not images or not labels:
        return None
    raw = read(os.path.join(folder, images))
    count, rows, cols = struct.unpack(">III", raw[4:16])
    count = min(count, limit)
    x = np.frombuffer(raw, dtype=np.uint8, count=count * rows * cols, offset=16).reshape(count, rows, cols, 1) / 255.0
    y = np.frombuffer(read(os.path.join(folder, labels)), dtype=np.uint8, count=count, offset=8).astype("int64")
    # Per-pixel class ids (segmentation): an IDX image file of masks beside the images.
    found = find("masks")
    masks = np.frombuffer(read(os.path.join(folder, found)), dtype=np.uint8, count=count * rows * cols, offset=16).reshape(count, rows, cols) if found else None
    return x.astype("float32"), y, masks


def load_mask_folder(folder, limit, test_limit):
    """A segmentation folder (images/ + masks/, or train/ and test/) as (x, y, masks) for train and test."""
    read = read_mask_folder(folder, limit, test_limit)
    h, w, c = read["shape"]
    split = lambda part: (np.frombuffer(part[0], dtype=np.uint8).reshape(part[2], h, w, c).astype("float32") / 255.0,
                          np.zeros(part[2], dtype="int64"), np.frombuffer(part[1], dtype=np.uint8).reshape(part[2], h, w))
    return split(read["train"]), split(read["test"]) if read["test"] else None


def load_csv(path, limit):
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    header = [h.strip().lower() for h in rows.pop(0)] if any(not c.replace(".", "", 1).replace("-", "", 1).isdigit() for c in rows[0]) else None
    at = header.index("label") if header and "label" in header else len(rows[0]) - 1
    rows = rows[:limit]
    x = np.array([[float(c) for j, c in enumerate(r) if j != at] for r in rows], dtype="float32")
    low, high = x.min(0), x.max(0)
    x = np.where(high > low, (x - low) / np.where(high > low, high - low, 1), 0).astype("float32")
    return x, np.array([int(r[at]) for r in rows], dtype="int64"), None


${PY_LEARNING_RATE_AT}

${pyDispatch({
  signature: 'make_optimizer()',
  doc: "The graph's optimizer, with its settings.",
  setup: ['kind = CONFIG["optimizer"]'],
  on: 'kind',
  cases: KERAS_OPTIMIZERS,
  what: 'optimizer',
})}
def final_activation(scores):
    """The graph's output from the scores (the final layer the loss folds in, applied)."""
    return FINAL_ACTIVATION(scores)


def measure(scores_model, x, t):
    """The task's metrics over a split, in inference mode (NumPy sums, as the app folds them)."""
    if len(x) == 0:
        return None, None
    scores = np.asarray(scores_model.predict(x, batch_size=ARGS.batch_size, verbose=0))
    return task_metrics(task_sums(scores, final_activation(scores), t), len(x))[:2]


class Events(keras.callbacks.Callback):
    """The in-app trainer's epoch events, one JSON line each, with the task's metrics on the training and validation splits."""

    def __init__(self, scores_model, train, validation):
        super().__init__()
        self.scores_model, self.train, self.validation = scores_model, train, validation

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.time()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        seconds = time.time() - self.started
        train_acc, train_metrics = measure(self.scores_model, *self.train)
        val_acc, val_metrics = measure(self.scores_model, *self.validation)
        emit({"type": "epoch", "epoch": epoch + 1, "epochs": ARGS.epochs, "trainLoss": logs.get("loss"), "trainAccuracy": train_acc,
              "validationLoss": logs.get("val_loss"), "validationAccuracy": val_acc,
              **({"trainMetrics": train_metrics, "validationMetrics": val_metrics} if METRICS_BEYOND_ACCURACY else {}),
              "learningRate": learning_rate_at(epoch, ARGS.epochs), "samplesPerSecond": None, "etaSeconds": seconds * (ARGS.epochs - epoch - 1),
              "seconds": seconds, "backend": "keras-" + keras.backend.backend(), "gradientNorms": {}})


def main():
    limit = ARGS.limit or 10**12
    if not ARGS.data:
        raise SystemExit("no dataset: pass --data (an IDX folder, a folder of images/ and masks/, or a .csv file)")
    if not os.path.exists(ARGS.data):
        raise SystemExit(f"{ARGS.data}: no such file or folder")
    if os.path.isdir(ARGS.data) and mask_folder_layout(ARGS.data):
        try:
            train, test = load_mask_folder(ARGS.data, limit, ARGS.test_limit or limit)
        except DatasetError as err:
            raise SystemExit(str(err))
    else:
        train = load_csv(ARGS.data, limit) if ARGS.data.endswith(".csv") else load_idx(ARGS.data, "train", limit)
        test = None if ARGS.data.endswith(".csv") else load_idx(ARGS.data, "t10k", ARGS.test_limit or limit)
    if train is None:
        raise SystemExit(f"{ARGS.data}: no train-images/labels IDX files")
    order = np.random.default_rng(CONFIG["seed"]).permutation(len(train[0]))
    x = train[0][order]
    t = task_target(x, train[1][order], None if train[2] is None else train[2][order])
    n_val = int(len(x) * CONFIG["validationSplit"])
    model, logits_model = build_model()
    if ARGS.weights and ARGS.weights != "none":
        load_netcanvas_weights(model, ARGS.weights)
    trained = logits_model if TRAINED == "logits" else model
    trained.compile(optimizer=make_optimizer(), loss=LOSS)
    emit({"type": "started", "task": TASK, "backend": {"name": "keras-" + keras.backend.backend(), "detail": f"Keras {keras.__version__}", "skipped": []},
          "dataset": {"name": ARGS.data, "trainCount": len(x) - n_val, "validationCount": n_val, "testCount": 0 if test is None else len(test[0]),
                      "shape": list(x.shape[1:]), "classNames": []}, "params": model.count_params(), "config": CONFIG})
    started = time.time()
    # The last samples are the validation split (where Keras's validation_split would take them), measured each epoch.
    fit_x, fit_t, val_x, val_t = x[:len(x) - n_val], t[:len(x) - n_val], x[len(x) - n_val:], t[len(x) - n_val:]
    history = trained.fit(fit_x, fit_t, batch_size=ARGS.batch_size, epochs=ARGS.epochs, validation_data=(val_x, val_t) if n_val else None, verbose=0,
                          callbacks=[Events(logits_model, (fit_x, fit_t), (val_x, val_t)),
                                     keras.callbacks.LearningRateScheduler(lambda e: learning_rate_at(e, ARGS.epochs))])
    train_acc, _ = measure(logits_model, fit_x, fit_t)
    test_loss = test_acc = test_metrics = None
    extra = {}
    if test is not None and len(test[0]):
        test_t = task_target(test[0], test[1], test[2])
        test_loss = float(trained.evaluate(test[0], test_t, batch_size=ARGS.batch_size, verbose=0))
        scores = np.asarray(logits_model.predict(test[0], batch_size=ARGS.batch_size, verbose=0))
        test_acc, test_metrics, ious = task_metrics(task_sums(scores, final_activation(scores), test_t), len(test[0]))
        if ious is not None:
            extra["perClassIoU"] = ious
    if ARGS.save:
        save_netcanvas_weights(model, ARGS.save)
    emit({"type": "done", "stopped": False, "metrics": {"testLoss": test_loss, "testAccuracy": test_acc, "trainLoss": history.history["loss"][-1] if ARGS.epochs else None,
          "trainAccuracy": train_acc, "seconds": time.time() - started, "epochsCompleted": ARGS.epochs,
          **({"test": test_metrics} if test_metrics and METRICS_BEYOND_ACCURACY else {})},
          **extra, "confusion": [], "classNames": [], "misclassified": [], "checkpoint": ARGS.save})


if __name__ == "__main__":
    main()
`;

export function emitKerasTrainScript(plan: ExportPlan, opts: ExportOptions): string {
  const { config, dataset } = exportTraining(plan);
  const data =
    dataset?.startsWith('embedded:') && opts.datasetsDir ? `${opts.datasetsDir}/${dataset.slice('embedded:'.length)}` : (dataset ?? '');
  const settings = scriptConfig(config, 'keras');
  const task = exportTask(plan);
  const out = plan.output.outputShape;
  const folded = {
    softmax: 'lambda s: np.exp(s - s.max(-1, keepdims=True)) / np.exp(s - s.max(-1, keepdims=True)).sum(-1, keepdims=True)',
    sigmoid: 'lambda s: 1 / (1 + np.exp(-s))',
    none: 'lambda s: s',
  };
  return [
    `"""Trains ${plan.doc.name} (exported from NetCanvas) with Keras 3 (any backend: TensorFlow, JAX, PyTorch).`,
    '',
    '    python train.py [--data IDX_OR_MASK_FOLDER_OR_CSV] [--epochs N] [--batch-size N] [--weights weights.json] [--save trained.json]',
    '',
    'Per-layer L2 weight decay is in model.py as kernel regularizers. Prints one JSON event per line.',
    '"""',
    'import argparse',
    'import csv',
    'import gzip',
    'import json',
    'import math',
    'import os',
    'import re',
    'import struct',
    'import time',
    'import zlib',
    '',
    'import keras',
    'import numpy as np',
    '',
    'from model import build_model, load_netcanvas_weights, save_netcanvas_weights',
    '',
    `CONFIG = ${pyLiteral(settings)}`,
    '',
    'parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])',
    `parser.add_argument("--data", default=${pyString(data)})`,
    `parser.add_argument("--epochs", type=int, default=${config.epochs})`,
    `parser.add_argument("--batch-size", type=int, default=${config.batchSize})`,
    'parser.add_argument("--weights", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights.json"))',
    'parser.add_argument("--save")',
    'parser.add_argument("--limit", type=int, help="use at most N training samples")',
    'parser.add_argument("--test-limit", type=int)',
    'ARGS = parser.parse_args()',
    '',
    `# The graph's task (engine/task): ${task.spec.doc}`,
    `TASK = ${pyString(task.id)}`,
    `METRICS_BEYOND_ACCURACY = ${task.spec.metrics.some((m) => m !== 'accuracy') ? 'True' : 'False'}`,
    `CLASSES = ${out[out.length - 1]}  # the output's last axis: classes per sample or pixel, or channels`,
    `VALUES_PER_SAMPLE = ${out.reduce((a, b) => a * b, 1)}`,
    `FINAL_ACTIVATION = ${folded[task.foldedActivation ?? 'none']}`,
    PY_TASK_METRICS,
    PY_TASK_METRICS_FN[task.id],
    KERAS_TASK_CODE[task.id](task),
    BODY,
  ].join('\n');
}
