#!/usr/bin/env python3
"""The same CRNN as Quire's DEFAULT_CONFIG in PyTorch on the CPU, for `npm run bench`.

4 conv layers (32, 64, 96, 128 filters, 3x3, ReLU; max-pooling 2x2, 2x2, 2x1, 2x1),
2 BiLSTM layers of 128 units, a linear CTC head; batch 16 of HxW images (default 32x256),
Adam. Usage: torch_reference.py THREADS [HEIGHT WIDTH] [--device cuda]. Prints one JSON line. Run with Debian's PyTorch (python3-torch) and OpenBLAS
(libopenblas0-pthread): with the reference BLAS the comparison would flatter Quire.
"""
import argparse
import json
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

args = argparse.ArgumentParser()
args.add_argument("threads", type=int, nargs="?", default=2)
args.add_argument("height", type=int, nargs="?", default=32)
args.add_argument("width", type=int, nargs="?", default=256)
# The GPU reference for bench/gpu-check.ts: the same model and step on CUDA.
args.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
args = args.parse_args()
threads, H, W, device = args.threads, args.height, args.width, torch.device(args.device)
torch.set_num_threads(threads)
torch.manual_seed(1)
N, C = 16, 71


class CRNN(nn.Module):
    def __init__(self):
        super().__init__()
        chans = [1, 32, 64, 96, 128]
        pools = [(2, 2), (2, 2), (2, 1), (2, 1)]
        layers = []
        for i, pool in enumerate(pools):
            layers += [nn.Conv2d(chans[i], chans[i + 1], 3, padding=1), nn.ReLU(), nn.MaxPool2d(pool)]
        self.conv = nn.Sequential(*layers)
        self.rnn = nn.LSTM((H // 16) * 128, 128, num_layers=2, bidirectional=True, batch_first=True, dropout=0.2)
        self.head = nn.Linear(256, C)

    def forward(self, x):
        v = self.conv(x)  # N, 128, 2, T
        n, c, h, t = v.shape
        v = v.permute(0, 3, 1, 2).reshape(n, t, c * h)
        out, _ = self.rnn(v)
        return self.head(out)  # N, T, C


model = CRNN().to(device)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.rand(N, 1, H, W, device=device)
T = W // 4
L = min(60, 20 * T // 64)  # 20 labels on 64 frames, as before; real-length lines capped at 60
targets = torch.randint(1, C, (N, L), device=device)
input_lengths = torch.full((N,), T, dtype=torch.long)
target_lengths = torch.full((N,), L, dtype=torch.long)


def train_step():
    opt.zero_grad()
    logits = model(x)
    loss = F.ctc_loss(F.log_softmax(logits, 2).transpose(0, 1), targets, input_lengths, target_lengths)
    loss.backward()
    opt.step()


def infer():
    with torch.no_grad():
        lp = F.log_softmax(model(x), 2)
        lp.argmax(2).tolist()


def sync():
    # CUDA runs asynchronously: time the work, not its queueing.
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_it(f, reps):
    """Wall seconds per call, and CPU seconds of the process (all threads) per call."""
    f()
    sync()
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(reps):
        f()
    sync()
    return (time.perf_counter() - start) / reps, (time.process_time() - cpu) / reps


model.train()
train_s, train_cpu = time_it(train_step, 5)
model.eval()
infer_s, _ = time_it(infer, 10)
print(json.dumps({
    "engine": "pytorch",
    "backend": f"torch {torch.__version__} " + (torch.cuda.get_device_name(0) if device.type == "cuda" else f"cpu, {threads} threads"), "batch": N, "height": H, "width": W,
    "trainStepSeconds": train_s, "trainStepCpuSeconds": train_cpu, "trainLinesPerSecond": N / train_s, "inferLinesPerSecond": N / infer_s,
    "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
}))
