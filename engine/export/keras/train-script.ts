/**
 * Writes the Keras 3 `train.py`: IDX (raw/.gz) or CSV data, the graph's optimizer, schedule and
 * per-layer L2 (as kernel regularizers in model.py), `model.fit`, and the app's JSON events.
 */
import type { ExportPlan } from '../plan';
import type { Optimizer } from '../../graph/training';
import { scriptConfig } from '../../graph/training-options';
import { PY_LEARNING_RATE_AT, pyDispatch, pyLiteral, pyString } from '../python';
import { exportTraining } from '../training-config';
import type { ExportOptions } from '../types';

/** Each optimizer in Keras, as the app's trainer builds it (engine/train/config.ts). */
const KERAS_OPTIMIZERS: Record<Optimizer, string> = {
  adam: 'keras.optimizers.Adam(learning_rate=CONFIG["learningRate"], beta_1=CONFIG["adamBeta1"], beta_2=CONFIG["adamBeta2"], epsilon=CONFIG["adamEpsilon"])',
  sgd: 'keras.optimizers.SGD(learning_rate=CONFIG["learningRate"], momentum=CONFIG["momentum"], nesterov=CONFIG["nesterov"])',
};

const BODY = String.raw`
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
    return x.astype("float32"), y


def load_csv(path, limit):
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    header = [h.strip().lower() for h in rows.pop(0)] if any(not c.replace(".", "", 1).replace("-", "", 1).isdigit() for c in rows[0]) else None
    at = header.index("label") if header and "label" in header else len(rows[0]) - 1
    rows = rows[:limit]
    x = np.array([[float(c) for j, c in enumerate(r) if j != at] for r in rows], dtype="float32")
    low, high = x.min(0), x.max(0)
    x = np.where(high > low, (x - low) / np.where(high > low, high - low, 1), 0).astype("float32")
    return x, np.array([int(r[at]) for r in rows], dtype="int64")


${PY_LEARNING_RATE_AT}

${pyDispatch({
  signature: 'make_optimizer()',
  doc: "The graph's optimizer, with its settings.",
  setup: ['kind = CONFIG["optimizer"]'],
  on: 'kind',
  cases: KERAS_OPTIMIZERS,
  what: 'optimizer',
})}
class Events(keras.callbacks.Callback):
    """The in-app trainer's epoch events, one JSON line each."""

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.time()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        seconds = time.time() - self.started
        emit({"type": "epoch", "epoch": epoch + 1, "epochs": ARGS.epochs, "trainLoss": logs.get("loss"), "trainAccuracy": logs.get("accuracy"),
              "validationLoss": logs.get("val_loss"), "validationAccuracy": logs.get("val_accuracy"),
              "learningRate": learning_rate_at(epoch, ARGS.epochs), "samplesPerSecond": None, "etaSeconds": seconds * (ARGS.epochs - epoch - 1),
              "seconds": seconds, "backend": "keras-" + keras.backend.backend(), "gradientNorms": {}})


def main():
    limit = ARGS.limit or 10**12
    if CONFIG["task"] != "classification":
        raise SystemExit(f"this script trains classifiers; training.task \"{CONFIG['task']}\" trains in NetCanvas (netcanvas train), the exported model runs here as it is")
    if not ARGS.data:
        raise SystemExit("no dataset: pass --data (an IDX folder or a .csv file)")
    train = load_csv(ARGS.data, limit) if ARGS.data.endswith(".csv") else load_idx(ARGS.data, "train", limit)
    test = None if ARGS.data.endswith(".csv") else load_idx(ARGS.data, "t10k", ARGS.test_limit or limit)
    if train is None:
        raise SystemExit(f"{ARGS.data}: no train-images/labels IDX files")
    order = np.random.default_rng(CONFIG["seed"]).permutation(len(train[0]))
    x, y = train[0][order], train[1][order]
    model, logits_model = build_model()
    if ARGS.weights and ARGS.weights != "none":
        load_netcanvas_weights(model, ARGS.weights)
    optimizer = make_optimizer()
    logits_model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    emit({"type": "started", "backend": {"name": "keras-" + keras.backend.backend(), "detail": f"Keras {keras.__version__}", "skipped": []},
          "dataset": {"name": ARGS.data, "trainCount": len(x), "validationCount": int(len(x) * CONFIG["validationSplit"]), "testCount": 0 if test is None else len(test[0]),
                      "shape": list(x.shape[1:]), "classNames": []}, "params": model.count_params(), "config": CONFIG})
    started = time.time()
    history = logits_model.fit(x, y, batch_size=ARGS.batch_size, epochs=ARGS.epochs, validation_split=CONFIG["validationSplit"], verbose=0,
                               callbacks=[Events(), keras.callbacks.LearningRateScheduler(lambda e: learning_rate_at(e, ARGS.epochs))])
    test_loss = test_acc = None
    if test is not None:
        test_loss, test_acc = logits_model.evaluate(test[0], test[1], verbose=0)
    if ARGS.save:
        save_netcanvas_weights(model, ARGS.save)
    emit({"type": "done", "stopped": False, "metrics": {"testLoss": test_loss, "testAccuracy": test_acc, "trainLoss": history.history["loss"][-1],
          "trainAccuracy": history.history["accuracy"][-1], "seconds": time.time() - started, "epochsCompleted": ARGS.epochs},
          "confusion": [], "classNames": [], "misclassified": [], "checkpoint": ARGS.save})


if __name__ == "__main__":
    main()
`;

export function emitKerasTrainScript(plan: ExportPlan, opts: ExportOptions): string {
  const { config, dataset } = exportTraining(plan);
  const data =
    dataset?.startsWith('embedded:') && opts.datasetsDir ? `${opts.datasetsDir}/${dataset.slice('embedded:'.length)}` : (dataset ?? '');
  const settings = scriptConfig(config, 'keras');
  return [
    `"""Trains ${plan.doc.name} (exported from NetCanvas) with Keras 3 (any backend: TensorFlow, JAX, PyTorch).`,
    '',
    '    python train.py [--data IDX_FOLDER_OR_CSV] [--epochs N] [--batch-size N] [--weights weights.json] [--save trained.json]',
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
    'parser.add_argument("--limit", type=int)',
    'parser.add_argument("--test-limit", type=int)',
    'ARGS = parser.parse_args()',
    '',
    BODY,
  ].join('\n');
}
