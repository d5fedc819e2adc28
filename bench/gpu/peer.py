"""PyTorch peer of bench/gpu/bench.ts: the same three models, synthetic data, SGD momentum and
cross-entropy, eager mode on CUDA, default settings. Prints one JSON object keyed like bench.ts's
cases: {"lenet_b64": {"samplesPerSecond": ..., "msPerStep": ...}, ...}.

    python3 bench/gpu/peer.py > peer.json
"""
import json
import sys
import time

import torch
from torch import nn


def lenet5() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def conv_bn(cin: int, relu: bool) -> nn.Module:
    layers = [nn.Conv2d(cin, 32, 3, padding=1), nn.BatchNorm2d(32)]
    return nn.Sequential(*layers, nn.ReLU()) if relu else nn.Sequential(*layers)


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.inner = nn.Sequential(conv_bn(32, True), conv_bn(32, False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x + self.inner(x))


def residual_cnn() -> nn.Module:
    return nn.Sequential(
        conv_bn(3, True), Block(), Block(), Block(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.25), nn.Linear(32, 10),
    )


def measure(model: nn.Module, shape: tuple, batch: int, steps: int, warmup: int = 10, adam: bool = False) -> dict:
    device = torch.device("cuda")
    model = model.to(device).train()
    x = torch.randn(batch, *shape, device=device)
    y = torch.randint(0, 10, (batch,), device=device)
    optimizer = (torch.optim.Adam(model.parameters(), lr=0.001) if adam
                 else torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9))
    loss_fn = nn.CrossEntropyLoss()

    def step() -> torch.Tensor:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    start = time.perf_counter()
    for i in range(steps):
        loss = step()
        if i % 8 == 7:
            loss.item()  # the same read cadence as bench.ts
    torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    return {"samplesPerSecond": steps * batch / seconds, "msPerStep": seconds * 1000 / steps}


def main() -> None:
    torch.manual_seed(0)
    results = {
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "lenet_b64": measure(lenet5(), (1, 28, 28), 64, 400),
        "lenet_b512": measure(lenet5(), (1, 28, 28), 512, 200),
        "resnet_b128": measure(residual_cnn(), (3, 32, 32), 128, 200),
        "lenet_b64_adam": measure(lenet5(), (1, 28, 28), 64, 400, adam=True),
        "resnet_b128_adam": measure(residual_cnn(), (3, 32, 32), 128, 200, adam=True),
    }
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
