"""The same models and training step as bench/train.bench.ts, in PyTorch on the same CPU.

Usage: python3 bench/train_torch.py THREADS CASE... where CASE is model:batch:steps[:optimizer]
(model: lenet5 | fashion | residual | resnet20; optimizer: adam (default) | momentum).
Prints one JSON object per case: {"model", "batch", "samples_per_second"}.

python3 bench/train_torch.py THREADS --serve answers JSON requests, one a line on stdin, so the
bench can interleave its runs with ours: {"kind": "steps", "model", "batch", "steps"} (the model
built and warmed up once per case) and {"kind": "idx_epoch", "dir", "model", "batch", "seed",
"limit"} (one epoch on an IDX dataset folder such as Fashion-MNIST, then its test accuracy).
"""
import gzip
import json
import os
import sys
import time

import numpy as np

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.f5 = nn.Linear(16 * 5 * 5, 120)
        self.f6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        x = torch.flatten(x, 1)
        return self.out(F.relu(self.f6(F.relu(self.f5(x)))))


class FashionCnn(nn.Module):
    """conv8 (5x5, same)-pool-conv16 (5x5)-pool-dense100-dense10."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 8, 5, padding=2)
        self.c2 = nn.Conv2d(8, 16, 5)
        self.f1 = nn.Linear(16 * 5 * 5, 100)
        self.out = nn.Linear(100, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.out(F.relu(self.f1(torch.flatten(x, 1))))


def conv_bn(cin, cout, k=3, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False), nn.BatchNorm2d(cout, momentum=0.1, eps=1e-5))


class Block(nn.Module):
    def __init__(self, cin=32, cout=32, stride=1):
        super().__init__()
        self.a = conv_bn(cin, cout, 3, stride)
        self.b = conv_bn(cout, cout)
        self.proj = conv_bn(cin, cout, 1, stride) if stride != 1 or cin != cout else None

    def forward(self, x):
        shortcut = x if self.proj is None else self.proj(x)
        return F.relu(self.b(F.relu(self.a(x))) + shortcut)


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, 32), nn.ReLU())
        self.blocks = nn.Sequential(Block(), Block(), Block())
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(self.drop(x.mean(dim=(2, 3))))


class ResNet20(nn.Module):
    """16/32/64 filters, three stages of three basic blocks, stride-2 1x1 projection shortcuts."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(1, 16), nn.ReLU())
        blocks, cin = [], 16
        for stage, cout in enumerate([16, 32, 64]):
            for b in range(3):
                blocks.append(Block(cin, cout, 2 if stage > 0 and b == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc(self.blocks(self.stem(x)).mean(dim=(2, 3)))


MODELS = {
    "lenet5": (LeNet5, (1, 28, 28)),
    "fashion": (FashionCnn, (1, 28, 28)),
    "residual": (Residual, (3, 32, 32)),
    "resnet20": (ResNet20, (1, 28, 28)),
}


def make_optimizer(name, params):
    if name == "adam":
        return torch.optim.Adam(params, lr=1e-3)
    return torch.optim.SGD(params, lr=0.01, momentum=0.9)


def make_case(model_name, batch, optimizer="adam"):
    """A function that runs one training step on a fixed synthetic batch and returns its loss."""
    torch.manual_seed(0)
    cls, shape = MODELS[model_name]
    model = cls()
    model.train()
    opt = make_optimizer(optimizer, model.parameters())
    x = torch.rand(batch, *shape)
    y = torch.randint(0, 10, (batch,))

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def bench(model_name, batch, steps, optimizer="adam"):
    step = make_case(model_name, batch, optimizer)
    for _ in range(2):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    return {"model": model_name, "batch": batch, "optimizer": optimizer, "samples_per_second": batch * steps / seconds}


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_idx_split(folder, prefix, limit=None):
    def find(kind):
        for name in (f"{prefix}-{kind}-idx{3 if kind == 'images' else 1}-ubyte.gz", f"{prefix}-{kind}-idx{3 if kind == 'images' else 1}-ubyte"):
            if os.path.exists(os.path.join(folder, name)):
                return os.path.join(folder, name)
        raise FileNotFoundError(f"{folder}: no {prefix} {kind}")

    x = read_idx(find("images"))[:limit]
    y = read_idx(find("labels"))[:limit]
    return torch.from_numpy(x.astype(np.float32) / 255).unsqueeze(1), torch.from_numpy(y.astype(np.int64))


def idx_epoch(folder, model_name, batch, seed, limit=None, optimizer="adam"):
    """One epoch over the (first `limit`) training images in shuffled order, timed; then test accuracy."""
    x, y = load_idx_split(folder, "train", limit)
    tx, ty = load_idx_split(folder, "t10k")
    torch.manual_seed(seed)
    model = MODELS[model_name][0]()
    opt = make_optimizer(optimizer, model.parameters())
    order = torch.randperm(len(x))
    model.train()
    start = time.perf_counter()
    for b in range(0, len(x), batch):
        idx = order[b : b + batch]
        opt.zero_grad()
        loss = F.cross_entropy(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        correct = sum(int((model(tx[i : i + 1000]).argmax(1) == ty[i : i + 1000]).sum()) for i in range(0, len(tx), 1000))
    return {"seconds": seconds, "samples_per_second": len(x) / seconds, "test_accuracy": correct / len(tx), "train_count": len(x)}


def serve():
    steps_cases = {}
    for line in sys.stdin:
        req = json.loads(line)
        if req["kind"] == "steps":
            key = (req["model"], req["batch"], req.get("optimizer", "adam"))
            if key not in steps_cases:
                steps_cases[key] = make_case(*key)
                # Warm up for a second, as bench/train.bench.ts does on our side.
                warm, done = time.perf_counter(), 0
                while done < 2 or time.perf_counter() - warm < 1.0:
                    steps_cases[key]()
                    done += 1
            step = steps_cases[key]
            start = time.perf_counter()
            for _ in range(req["steps"]):
                step()
            out = {"samples_per_second": req["batch"] * req["steps"] / (time.perf_counter() - start)}
        else:
            out = idx_epoch(req["dir"], req["model"], req["batch"], req["seed"], req.get("limit"), req.get("optimizer", "adam"))
        print(json.dumps(out), flush=True)


def main():
    torch.set_num_threads(int(sys.argv[1]))
    if sys.argv[2:] == ["--serve"]:
        serve()
        return
    for case in sys.argv[2:]:
        name, batch, steps, *rest = case.split(":")
        print(json.dumps(bench(name, int(batch), int(steps), *rest)), flush=True)


if __name__ == "__main__":
    main()
