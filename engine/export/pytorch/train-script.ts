/**
 * Writes `train.py`: trains the exported model with the graph's optimizer, learning-rate schedule,
 * per-layer L2 and validation split, on one device or many (torchrun + DistributedDataParallel),
 * printing the in-app trainer's events (engine/train/protocol.ts) as one JSON object per line.
 */
import { datasetSourceOf } from '../../check/dataset';
import type { ExportPlan } from '../plan';
import type { Optimizer } from '../../graph/training';
import { scriptConfig } from '../../graph/training-options';
import { PY_LEARNING_RATE_AT, pyDispatch, pyLiteral, pyString } from '../python';
import { exportTraining } from '../training-config';
import type { ExportOptions } from '../types';
import { pytorchClassName } from './model';
import { torchWeight } from './weight-map';
import { PYTHON_DATA } from './script-data';
import { PY_MASK_FOLDER } from '../mask-folder-py';
import { TORCHRUN_FLAGS } from './readme';
import { exportTask, PY_TASK_METRICS, PY_TASK_METRICS_FN, SCRIPT_VIEW_SAMPLES } from '../task-script';
import { PYTORCH_TASK_CODE } from './task-code';

/** Each optimizer in PyTorch, as the app's trainer builds it (engine/train/config.ts). */
const TORCH_OPTIMIZERS: Record<Optimizer, string> = {
  adam: 'torch.optim.Adam(params, lr=CONFIG["learningRate"], betas=(CONFIG["adamBeta1"], CONFIG["adamBeta2"]), eps=CONFIG["adamEpsilon"])',
  sgd: 'torch.optim.SGD(params, lr=CONFIG["learningRate"], momentum=CONFIG["momentum"], nesterov=CONFIG["nesterov"] and CONFIG["momentum"] > 0)',
};

const TRAIN_LOOP = String.raw`
def emit(event):
    if RANK == 0:
        print(json.dumps({"runId": ARGS.run_id, **event}), flush=True)


${PY_LEARNING_RATE_AT}

${pyDispatch({
  signature: 'make_optimizer(params)',
  doc: "The graph's optimizer, with its settings (ε as the app's, where PyTorch's default differs).",
  setup: ['kind = CONFIG["optimizer"]'],
  on: 'kind',
  cases: TORCH_OPTIMIZERS,
  what: 'optimizer',
})}
def pick_device(wanted):
    if WORLD > 1 and wanted in (None, "cuda") and torch.cuda.is_available():
        return torch.device("cuda", LOCAL_RANK)
    if wanted:
        if wanted == "cuda" and not torch.cuda.is_available():
            raise ValueError("--device cuda: no CUDA GPU is available to PyTorch")
        if wanted == "mps" and not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
            raise ValueError("--device mps: Apple's Metal backend is not available")
        return torch.device(wanted)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if hasattr(torch.backends, "mps") and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def summed(*values):
    """Sums numbers over all processes (one all-reduce), so every rank reports the same metrics."""
    t = torch.tensor(values, dtype=torch.float64, device=DEVICE)
    if WORLD > 1:
        dist.all_reduce(t)
    return t.tolist()


def evaluate(model, x, t, batch_size):
    """Mean loss and the task's sums over one split, in inference mode."""
    model.eval()
    loss_sum, sums = 0.0, torch.zeros(SUMS_LENGTH(CLASSES), dtype=torch.float64)
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            xb, tb = x[start:start + batch_size].to(DEVICE), t[start:start + batch_size].to(DEVICE)
            scores = model(xb, return_logits=True)
            output = final_activation(scores)
            loss_sum += task_loss(scores, output, tb).item() * len(xb)
            sums += task_sums(scores, output, tb)
    model.train()
    return loss_sum / max(1, len(x)), sums.tolist()


def l2_penalty(model):
    """λ·Σw² per decayed tensor (kernels), as the app adds it to the loss (biases and batch norm are not decayed)."""
    terms = [lam * getattr(getattr(model, attr), name).pow(2).sum() for attr, (lam, names) in WEIGHT_DECAY.items() for name in names]
    return sum(terms) if terms else 0.0


class Divergence:
    """The app's divergence rule (engine/train/divergence.ts), over the batch losses this script reads:
    the median of the last 5 above 10x the start (the first loss, at least ln(classes)); an epoch's mean
    loss above 10x the start; or, from the second epoch, a mean loss that grows above 2x the start while
    the accuracy stays at chance."""

    def __init__(self, num_classes):
        self.chance_loss, self.classes = math.log(max(2, num_classes)), max(2, num_classes)
        self.start, self.recent, self.previous, self.epochs = None, [], None, 0

    def step(self, loss):
        if self.start is None:
            self.start = max(loss, self.chance_loss)
        self.recent = (self.recent + [loss])[-5:]
        if len(self.recent) < 3:
            return None
        s = sorted(self.recent)
        median = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
        if median <= 10 * self.start:
            return None
        return f"the loss rose to {median:.3g} (the median of the last {len(s)} batches read), over 10x its start ({self.start:.3g})"

    def epoch(self, loss, accuracy):
        self.epochs += 1
        previous, self.previous = self.previous, loss
        if self.start is not None and loss > 10 * self.start:
            return f"the epoch's mean loss rose to {loss:.3g}, over 10x its start ({self.start:.3g})"
        if self.epochs < 2 or self.start is None or previous is None:
            return None
        if accuracy is None or accuracy > 1.5 / self.classes or loss <= 2 * self.start or loss <= previous:
            return None
        return f"the loss grew to {loss:.3g} (from {previous:.3g} the epoch before) while the accuracy stayed at chance ({accuracy:.1%})"


def diverged(where, reason, lr):
    kept = " (nothing was saved: a checkpoint already at --save is left as it was)" if ARGS.save else ""
    return FloatingPointError(f"training diverged at {where}: {reason}. Try a lower learning rate (now {lr:g}; e.g. {lr / 10:.2g}){kept}")


class GraphError(Exception):
    """The graph does not fit its task or data; reported as an error event of kind "graph"."""


def train():
    global DEVICE, CLASSES
    DEVICE = pick_device(ARGS.device)
    torch.manual_seed(CONFIG["seed"])
    channels = INPUT_SHAPE[0] if len(INPUT_SHAPE) == 3 else 1
    try:
        data = load_dataset(ARGS.data, ARGS.limit or 10**12, ARGS.test_limit or ARGS.limit or 10**12, channels)
    except (OSError, struct.error) as err:
        raise DatasetError(str(err))
    x_all = data["train"][0]
    sample = list(x_all.shape[1:])
    wanted = [INPUT_SHAPE[1], INPUT_SHAPE[2], INPUT_SHAPE[0]] if len(INPUT_SHAPE) == 3 else list(INPUT_SHAPE)
    if sample != wanted:
        raise DatasetError(f"{data['name']}: samples are {sample} but the model's input is {wanted}")
    CLASSES = task_check(data, sample)

    stats = None
    if data["images"] and ARGS.normalization == "standard":
        unit = x_all.float() / 255.0
        stats = (unit.mean(dim=(0, 1, 2)), unit.std(dim=(0, 1, 2)).clamp(min=1e-6))
    order = torch.randperm(len(x_all), generator=torch.Generator().manual_seed(CONFIG["seed"]))
    n_val = int(len(x_all) * CONFIG["validationSplit"])
    val_idx, train_idx = order[:n_val], order[n_val:]
    t_all = task_target(data, "train", to_model_input(x_all, data["images"], None))
    x_train, t_train = to_model_input(x_all[train_idx], data["images"], stats), t_all[train_idx]
    x_val, t_val = to_model_input(x_all[val_idx], data["images"], stats), t_all[val_idx]
    x_test = t_test = raw_test = None
    if data["test"]:
        raw_test = data["test"][0]
        x_test, t_test = to_model_input(raw_test, data["images"], stats), task_target(data, "test", to_model_input(raw_test, data["images"], None))

    net = MODEL_CLASS().to(DEVICE)
    if ARGS.weights and ARGS.weights != "none":
        load_netcanvas_weights(net, ARGS.weights)
        net.to(DEVICE)
    model = DistributedDataParallel(net, device_ids=[DEVICE.index] if DEVICE.type == "cuda" else None) if WORLD > 1 else net
    optimizer = make_optimizer(model.parameters())

    sampler = DistributedSampler(TensorDataset(x_train, t_train), seed=CONFIG["seed"]) if WORLD > 1 else None
    loader = DataLoader(TensorDataset(x_train, t_train), batch_size=ARGS.batch_size, shuffle=sampler is None,
                        sampler=sampler, generator=torch.Generator().manual_seed(CONFIG["seed"]) if sampler is None else None)
    epochs = ARGS.epochs
    emit({"type": "started", "task": TASK,
          "backend": {"name": f"pytorch-{DEVICE.type}", "detail": f"PyTorch {torch.__version__} on {DEVICE}" + (f", {WORLD} processes" if WORLD > 1 else ""), "skipped": []},
          "dataset": {"name": data["name"], "trainCount": len(x_train), "validationCount": len(x_val), "testCount": len(x_test) if x_test is not None else 0,
                      "shape": wanted, "classNames": data["class_names"]},
          "params": sum(p.numel() for p in net.parameters() if p.requires_grad),
          "config": {**CONFIG, "epochs": epochs, "batchSize": ARGS.batch_size}})

    watch = Divergence(len(data["class_names"]))
    started, step, completed = time.time(), 0, 0
    train_loss = train_acc = None
    for epoch in range(epochs):
        if STOP["requested"]:
            break
        lr = learning_rate_at(epoch, epochs)
        for group in optimizer.param_groups:
            group["lr"] = lr
        if sampler is not None:
            sampler.set_epoch(epoch)
        epoch_start, last_report = time.time(), 0.0
        loss_sum = torch.zeros((), device=DEVICE)
        sums = torch.zeros(SUMS_LENGTH(CLASSES), dtype=torch.float64)
        seen = 0
        grad_sums = {node: torch.zeros((), device=DEVICE) for node in NODE_LAYERS}
        batches = len(loader)
        for batch, (xb, tb) in enumerate(loader, 1):
            xb, tb = xb.to(DEVICE, non_blocking=True), tb.to(DEVICE, non_blocking=True)
            scores = model(xb, return_logits=True)
            output = final_activation(scores)
            loss = task_loss(scores, output, tb) + l2_penalty(net)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step += 1
            with torch.no_grad():
                loss_sum += loss.detach() * len(xb)
                batch_sums = task_sums(scores.detach(), output.detach(), tb)
                sums += batch_sums
                seen += len(xb)
                for node, (attr, _) in NODE_LAYERS.items():
                    grad = getattr(net, attr).weight.grad
                    if grad is not None:
                        grad_sums[node] += grad.norm()
            now = time.time()
            # Coalesced like the app's trainer: at most 20 batch events a second, and the last batch.
            # The first step's loss is always read: it is the start the divergence rule measures from.
            if RANK == 0 and (step == 1 or now - last_report >= 0.05 or batch == batches):
                last_report = now
                batch_loss = loss.item()
                if not math.isfinite(batch_loss):
                    raise diverged(f"epoch {epoch + 1}, batch {batch}", f"the loss became {batch_loss}", lr)
                exploded = watch.step(batch_loss)
                if exploded:
                    raise diverged(f"epoch {epoch + 1}, batch {batch}", exploded, lr)
                accuracy, values, _ = task_metrics(batch_sums.tolist(), len(xb))
                emit({"type": "batch", "epoch": epoch + 1, "batch": batch, "batchesPerEpoch": batches, "step": step, "loss": batch_loss,
                      "accuracy": accuracy, **({"metrics": values} if accuracy is None else {}),
                      "samplesPerSecond": seen * WORLD / max(1e-9, now - epoch_start)})
            if STOP["requested"]:
                break
        total_loss, total_seen, *total_sums = summed(loss_sum.item(), seen, *sums.tolist())
        train_loss = total_loss / max(1, total_seen)
        train_acc, train_metrics, _ = task_metrics(total_sums, total_seen)
        if not math.isfinite(train_loss):
            raise diverged(f"epoch {epoch + 1}", f"the loss became {train_loss}", lr)
        val_loss = val_acc = val_metrics = None
        if len(x_val):
            val_loss, val_sums = evaluate(net, x_val, t_val, ARGS.batch_size)
            val_acc, val_metrics, _ = task_metrics(val_sums, len(x_val))
        completed += 1
        seconds = time.time() - epoch_start
        view = task_view(net, x_test if x_test is not None else x_val, t_test if x_test is not None else t_val,
                         raw_test if x_test is not None else x_all[val_idx]) if RANK == 0 else None
        emit({"type": "epoch", "epoch": epoch + 1, "epochs": epochs, "trainLoss": train_loss, "trainAccuracy": train_acc,
              "validationLoss": val_loss, "validationAccuracy": val_acc,
              **({"trainMetrics": train_metrics, "validationMetrics": val_metrics} if METRICS_BEYOND_ACCURACY else {}),
              **({"view": view} if view else {}), "learningRate": lr,
              "samplesPerSecond": total_seen / max(1e-9, seconds), "etaSeconds": seconds * (epochs - epoch - 1), "seconds": seconds,
              "backend": f"pytorch-{DEVICE.type}", "gradientNorms": {n: s.item() / max(1, batch) for n, s in grad_sums.items()}})
        growing = watch.epoch(train_loss, train_acc)
        if growing:
            raise diverged(f"epoch {epoch + 1}", growing, lr)

    checkpoint = None
    if ARGS.save and RANK == 0:
        save_netcanvas_weights(net, ARGS.save)
        checkpoint = os.path.abspath(ARGS.save)
    test_loss = test_acc = test_metrics = None
    report = {"confusion": [], "misclassified": []}
    if x_test is not None and len(x_test):
        test_loss, test_sums = evaluate(net, x_test, t_test, ARGS.batch_size)
        test_acc, test_metrics, _ = task_metrics(test_sums, len(x_test))
        report.update(task_done(net, x_test, t_test, raw_test, test_sums))
    emit({"type": "done", "stopped": STOP["requested"],
          "metrics": {"testLoss": test_loss, "testAccuracy": test_acc, "trainLoss": train_loss, "trainAccuracy": train_acc,
                      "seconds": time.time() - started, "epochsCompleted": completed, **({"test": test_metrics} if test_metrics and METRICS_BEYOND_ACCURACY else {})},
          **report, "classNames": data["class_names"], "checkpoint": checkpoint})


def main():
    signal.signal(signal.SIGTERM, lambda *_: STOP.update(requested=True))
    signal.signal(signal.SIGINT, lambda *_: STOP.update(requested=True))
    if WORLD > 1:
        dist.init_process_group(backend="nccl" if ARGS.device in (None, "cuda") and torch.cuda.is_available() else "gloo")
    try:
        train()
        return 0
    except GraphError as err:
        emit({"type": "error", "message": str(err), "kind": "graph"})
    except DatasetError as err:
        emit({"type": "error", "message": str(err), "kind": "dataset"})
    except FloatingPointError as err:
        emit({"type": "error", "message": str(err), "kind": "diverged"})
    except ValueError as err:
        emit({"type": "error", "message": str(err), "kind": "config"})
    except Exception as err:  # a bug of ours or PyTorch's: still one clean JSON line
        emit({"type": "error", "message": f"{type(err).__name__}: {err}", "kind": "internal"})
    finally:
        if WORLD > 1 and dist.is_initialized():
            dist.destroy_process_group()
    return 1


if __name__ == "__main__":
    sys.exit(main())
`;

export function emitPytorchTrainScript(plan: ExportPlan, opts: ExportOptions): string {
  const { config, decay, dataset } = exportTraining(plan);
  const nameOf = new Map(plan.steps.map((s) => [s.id, s.name]));
  const decayedTensors = (id: string, roles: readonly string[]) => roles.map((r) => torchWeight(plan.byId.get(id)!.type, r).attr);
  const out = plan.output.outputShape;
  const settings = scriptConfig(config, 'pytorch');
  const task = exportTask(plan);
  const folded = { softmax: 'torch.softmax(scores, 1)', sigmoid: 'torch.sigmoid(scores)' };
  return [
    `"""Trains ${plan.doc.name} (exported from NetCanvas) with PyTorch.`,
    '',
    '    python3 train.py [--data PATH] [--epochs N] [--batch-size N] [--device cuda|mps|cpu]',
    '                     [--weights weights.json] [--save trained.json] [--limit N]',
    `    torchrun --nproc_per_node=4 ${TORCHRUN_FLAGS.join(' ')} train.py ...`,
    '        # DistributedDataParallel, --batch-size per process; see README.md for the two flags',
    '',
    'Prints one JSON object per line, the events of the in-app trainer: started, batch, epoch, done, error.',
    '"""',
    'import argparse',
    'import csv',
    'import gzip',
    'import json',
    'import math',
    'import os',
    'import re',
    'import signal',
    'import struct',
    'import sys',
    'import time',
    'import zlib',
    '',
    'import torch',
    'import torch.distributed as dist',
    'import torch.nn.functional as F',
    'from torch.nn.parallel import DistributedDataParallel',
    'from torch.utils.data import DataLoader, DistributedSampler, TensorDataset',
    '',
    'sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))',
    `from model import ${pytorchClassName(plan)} as MODEL_CLASS, INPUT_SHAPE, NODE_LAYERS, load_netcanvas_weights, save_netcanvas_weights  # noqa: E402`,
    '',
    '# The graph\'s training settings (its "training" field, defaults filled in).',
    `CONFIG = ${pyLiteral(settings)}`,
    '# L2 penalty: layer attribute -> (λ, the tensors it applies to).',
    `WEIGHT_DECAY = ${pyLiteral(Object.fromEntries([...decay].map(([id, d]) => [nameOf.get(id)!, [d.lambda, decayedTensors(id, d.roles)]])))}`,
    `# The graph's task (engine/task): ${task.spec.doc}`,
    `TASK = ${pyString(task.id)}`,
    `METRICS_BEYOND_ACCURACY = ${task.spec.metrics.some((m) => m !== 'accuracy') ? 'True' : 'False'}`,
    '# The output per sample, channels-last as in the app; OUTPUT_UNITS: its class scores when it is a vector, else 0.',
    `OUTPUT_SHAPE = ${pyLiteral([...out])}`,
    `OUTPUT_UNITS = ${out.length === 1 ? out[0] : 0}`,
    `VALUES_PER_SAMPLE = ${out.reduce((a, b) => a * b, 1)}`,
    `VIEW_SAMPLES = ${SCRIPT_VIEW_SAMPLES}`,
    "CLASSES = None  # the output's classes (or channels), once task_check has read the data",
    `DEFAULT_DATA = ${pyString(dataset ?? datasetSourceOf(plan.doc))}`,
    `DATASETS_DIR = ${opts.datasetsDir ? pyString(opts.datasetsDir) : 'None'}`,
    '',
    'parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])',
    'parser.add_argument("--data", default=DEFAULT_DATA, help="IDX or CIFAR folder, .csv file, image folder, images/ + masks/ folder, or embedded:mnist")',
    `parser.add_argument("--epochs", type=int, default=${config.epochs})`,
    `parser.add_argument("--batch-size", type=int, default=${config.batchSize}, help="per process under torchrun")`,
    'parser.add_argument("--device", choices=["cuda", "mps", "cpu"], help="default: the best available")',
    'BUNDLED_WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights.json")',
    'parser.add_argument("--weights", default=BUNDLED_WEIGHTS if os.path.exists(BUNDLED_WEIGHTS) else None,',
    "                    help=\"start from a netcanvas.weights JSON file (default: the exported weights.json; 'none': PyTorch's own initialisation)\")",
    'parser.add_argument("--save", help="write the trained weights as a netcanvas.weights JSON file")',
    'parser.add_argument("--limit", type=int, help="use at most N training samples")',
    'parser.add_argument("--test-limit", type=int, help="use at most N test samples (default: --limit)")',
    'parser.add_argument("--normalization", choices=["unit", "standard"], default="unit")',
    'parser.add_argument("--run-id", default="pytorch")',
    'ARGS = parser.parse_args()',
    '',
    'WORLD = int(os.environ.get("WORLD_SIZE", "1"))',
    'RANK = int(os.environ.get("RANK", "0"))',
    'LOCAL_RANK = int(os.environ.get("LOCAL_RANK", "0"))',
    'DEVICE = None',
    'STOP = {"requested": False}',
    '',
    PYTHON_DATA,
    PY_MASK_FOLDER,
    PY_TASK_METRICS,
    PY_TASK_METRICS_FN[task.id],
    'def final_activation(scores):',
    task.foldedActivation
      ? `    """The graph's final ${task.foldedActivation}, which model(x, return_logits=True) leaves out for the loss."""\n    return ${folded[task.foldedActivation]}`
      : '    return scores',
    '',
    PYTORCH_TASK_CODE[task.id](task),
    TRAIN_LOOP,
  ].join('\n');
}
