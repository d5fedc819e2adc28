"""One training step of a bench model under torch.profiler: self CPU time per op, as JSON.

Usage: python3 bench/cpu/profile_torch.py THREADS MODEL BATCH STEPS
"""
import json
import os
import sys
import time

import torch
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from train_torch import make_case  # noqa: E402


def main():
    threads, name, batch, steps = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    step = make_case(name, batch, "adam")
    for _ in range(2):
        step()
    start = time.perf_counter()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step()
    wall_ms = (time.perf_counter() - start) * 1000 / steps
    ops = [
        {"name": e.key, "ms": e.self_cpu_time_total / 1000 / steps, "calls": e.count / steps}
        for e in prof.key_averages()
        if e.self_cpu_time_total > 0
    ]
    print(json.dumps({"wall_ms": wall_ms, "ops": ops}))


if __name__ == "__main__":
    main()
