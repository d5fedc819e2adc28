"""The same models and training step as bench/train.bench.ts, in PyTorch on the same CPU.

Usage: python3 bench/train_torch.py THREADS CASE... where CASE is model:batch:steps
(model: lenet5 | residual). Prints one JSON object per case: {"model", "batch", "samples_per_second"}.
"""
import json
import sys
import time

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


def conv_bn():
    return nn.Sequential(nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32, momentum=0.1, eps=1e-5))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = conv_bn()
        self.b = conv_bn()

    def forward(self, x):
        return F.relu(self.b(F.relu(self.a(x))) + x)


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU())
        self.blocks = nn.Sequential(Block(), Block(), Block())
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(self.drop(x.mean(dim=(2, 3))))


def bench(model_name, batch, steps):
    torch.manual_seed(0)
    model, shape = (LeNet5(), (1, 28, 28)) if model_name == "lenet5" else (Residual(), (3, 32, 32))
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(batch, *shape)
    y = torch.randint(0, 10, (batch,))

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(2):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    return {"model": model_name, "batch": batch, "samples_per_second": batch * steps / seconds}


def main():
    torch.set_num_threads(int(sys.argv[1]))
    for case in sys.argv[2:]:
        name, batch, steps = case.split(":")
        print(json.dumps(bench(name, int(batch), int(steps))), flush=True)


if __name__ == "__main__":
    main()
