#!/usr/bin/env python3
"""PyTorch side of bench/kernel-flops.ts: times each kernel spec (JSON on stdin) on one
thread in CPU time (process_time), the median of REPEATS rounds after one warm-up, and prints one JSON list of
seconds per round. Convolutions are NCHW as PyTorch prefers (the wasm engine is NHWC as
it prefers); the filter and input gradients use torch.nn.grad, the kernels autograd calls."""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch.nn.grad import conv2d_input, conv2d_weight

torch.set_num_threads(1)
repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
specs = json.load(sys.stdin)


def call_for(s):
    if s["kind"] == "matmul":
        a, b = torch.randn(s["m"], s["k"]), torch.randn(s["k"], s["n"])
        return lambda: torch.mm(a, b)
    n, h, w, cin, cout = s["n"], s["h"], s["w"], s["cin"], s["cout"]
    x, f = torch.randn(n, cin, h, w), torch.randn(cout, cin, 3, 3) * 0.1
    bias, dy = torch.zeros(cout), torch.randn(n, cout, h, w)
    if s["kind"] == "conv":
        return lambda: F.relu(F.conv2d(x, f, bias, padding=1))
    if s["kind"] == "conv-dw":
        return lambda: conv2d_weight(x, f.shape, dy, padding=1)
    return lambda: conv2d_input(x.shape, f, dy, padding=1)


out = []
with torch.no_grad():
    for s in specs:
        fn = call_for(s)
        times = []
        for r in range(repeats + 1):
            t0 = time.process_time()
            for _ in range(s["calls"]):
                fn()
            if r > 0:
                times.append(time.process_time() - t0)
        out.append(statistics.median(times))
print(json.dumps(out))
