#!/usr/bin/env python3
"""Trains Quire's line recognizer (main/ml/model.ts) in PyTorch, on a lent GPU.

The same network, weight for weight: 3x3 "same" convolutions + ReLU + max-pooling, the
feature map's rows stacked per column (row-major, channel-minor, as model.ts's transpose +
reshape), dropout before every BiLSTM layer and before the head, BiLSTMs with gate order
i, f, g, o whose backward pass starts at each line's last real frame (packed sequences;
model.ts masks its state the same way), a linear head with the CTC blank at class 0.
The weights are written in model.ts's names and layouts (HWIO kernels, [in, 4U] LSTM
kernels, one LSTM bias = PyTorch's two summed) to a .qw file that
bench/real/import-torch-model.ts turns into a .qmodel, checking on lines read by both
engines that they agree.

Input: a pack made by bench/real/gpu-pack.ts (WebP lines, charset). Training runs for a
wall-clock budget (--seconds) with the learning rate on a cosine of elapsed time, so the
run ends when the lease allows; validation CER every --eval-every seconds chooses best.qw.

  python3 bench/real/torch_train_base.py --pack .gpu-train --out OUT --seconds 450
  python3 bench/real/torch_train_base.py --pack .gpu-train --out /tmp/t --device cpu \
      --seconds 30 --max-lines 500 --dump-logits 4          # the parity check's input

Runs on PyTorch 1.13 (Debian's, CPU) and 2.x (CUDA). Prints one line per evaluation and a
final JSON line; writes log.txt, best.qw, final.qw (and logits.json with --dump-logits).
"""
import argparse
import json
import math
import os
import sys
import time
from multiprocessing import Pool

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_common import decode, device_name, learning_rate, read_qw, start_run, write_qw  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--pack", required=True)
p.add_argument("--out", required=True)
p.add_argument("--seconds", type=float, default=450)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--lr", type=float, default=1e-3)
p.add_argument("--warmup", type=float, default=0.03, help="share of the time budget")
p.add_argument("--final-lr", type=float, default=0.02, help="share of --lr at the end")
p.add_argument("--filters", default="32,64,96,128")
p.add_argument("--pools", default="2x2,2x2,2x1,2x1")
p.add_argument("--lstm-units", type=int, default=128)
p.add_argument("--lstm-layers", type=int, default=2)
p.add_argument("--dropout", type=float, default=0.2)
p.add_argument("--augment", type=float, default=0.8, help="share of lines augmented")
p.add_argument("--eval-every", type=float, default=60)
p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
p.add_argument("--seed", type=int, default=1)
p.add_argument("--threads", type=int, default=0, help="CPU threads (0: PyTorch's choice)")
p.add_argument("--max-lines", type=int, default=0)
p.add_argument("--dump-logits", type=int, default=0)
p.add_argument("--name", default="")
p.add_argument("--init", help="start from the weights of a .qw file (same network)")
p.add_argument("--preview", type=int, default=0, help="write preview.png of N augmented lines and stop")
args = p.parse_args()

if args.threads:
    torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
rng = np.random.default_rng(args.seed)
dev = torch.device(args.device)
log = start_run(args.out, dev, benchmark=False)  # widths change every batch


# ---- data -------------------------------------------------------------------------------
index = json.load(open(os.path.join(args.pack, "index.json")))
H = index["height"]
charset = index["charset"]
class_of = {ch: i + 1 for i, ch in enumerate(charset)}
raw = open(os.path.join(args.pack, "lines.bin"), "rb").read()
entries = index["lines"]
if args.max_lines:
    entries = [e for e in entries if e["split"] == "validation"][: args.max_lines // 4] + [
        e for e in entries if e["split"] == "train"
    ][: args.max_lines]
blobs = [raw[e["offset"] : e["offset"] + e["bytes"]] for e in entries]
with Pool(min(16, os.cpu_count() or 1)) as pool:
    images = pool.map(decode, blobs, chunksize=64)
del raw, blobs
pools = [tuple(int(v) for v in s.split("x")) for s in args.pools.split(",")]
filters = [int(f) for f in args.filters.split(",")]
stride = math.prod(pw for _, pw in pools)
train, valid = [], []
for e, img in zip(entries, images):
    assert img.shape == (H, e["width"]), (img.shape, e["width"])
    labels = [class_of[ch] for ch in e["text"]]
    # CTC needs a frame per label (and one between repeats): such lines cannot be learned.
    repeats = sum(1 for a, b in zip(labels, labels[1:]) if a == b)
    if e["width"] // stride < len(labels) + repeats or not labels:
        continue
    (train if e["split"] == "train" else valid).append((img, labels, e["text"]))
log(f"{len(train)} training and {len(valid)} validation lines decoded; {len(charset)} characters; device {device_name(dev)}")


# ---- the network ------------------------------------------------------------------------
class Recognizer(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.convs = nn.ModuleList()
        self.pools = pools
        cin = 1
        for f in filters:
            conv = nn.Conv2d(cin, f, 3, padding=1)
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            nn.init.zeros_(conv.bias)
            self.convs.append(conv)
            cin = f
        vstride = math.prod(ph for ph, _ in pools)
        assert H % vstride == 0
        size = (H // vstride) * filters[-1]
        self.lstms = nn.ModuleList()
        U = args.lstm_units
        for _ in range(args.lstm_layers):
            lstm = nn.LSTM(size, U, bidirectional=True, batch_first=True)
            for name, w in lstm.named_parameters():
                if name.startswith("bias"):
                    nn.init.zeros_(w)
                    if name.startswith("bias_ih"):
                        w.data[U : 2 * U] = 1.0  # forget gate, as model.ts's lstmBias
                else:
                    nn.init.xavier_uniform_(w)
            self.lstms.append(lstm)
            size = 2 * U
        self.head = nn.Linear(size, classes)
        nn.init.xavier_uniform_(self.head.weight)
        nn.init.zeros_(self.head.bias)
        self.drop = nn.Dropout(args.dropout)

    def forward(self, x, frames):
        """x [N,1,H,W] (ink 1, paper 0), frames [N] → logits [N,T,C]."""
        for conv, pool in zip(self.convs, self.pools):
            x = F.relu(conv(x))
            if pool != (1, 1):
                x = F.max_pool2d(x, pool, pool)
        n, c, h, t = x.shape
        x = x.permute(0, 3, 2, 1).reshape(n, t, h * c)
        lengths = frames.clamp(max=t)
        for lstm in self.lstms:
            packed = pack_padded_sequence(self.drop(x), lengths, batch_first=True, enforce_sorted=False)
            x, _ = pad_packed_sequence(lstm(packed)[0], batch_first=True, total_length=t)
        return self.head(self.drop(x))


def export(model, path, metrics):
    """Writes the weights in model.ts's names and layouts: a JSON header, then float32s."""
    tensors = []
    for i, conv in enumerate(model.convs):
        tensors.append((f"conv{i}/kernel", conv.weight.permute(2, 3, 1, 0)))
        tensors.append((f"conv{i}/bias", conv.bias))
    for l, lstm in enumerate(model.lstms):
        for d, suffix in (("fw", ""), ("bw", "_reverse")):
            tensors.append((f"lstm{l}/{d}/kernel", getattr(lstm, f"weight_ih_l0{suffix}").t()))
            tensors.append((f"lstm{l}/{d}/recurrent", getattr(lstm, f"weight_hh_l0{suffix}").t()))
            bias = getattr(lstm, f"bias_ih_l0{suffix}") + getattr(lstm, f"bias_hh_l0{suffix}")
            tensors.append((f"lstm{l}/{d}/bias", bias))
    tensors.append(("head/kernel", model.head.weight.t()))
    tensors.append(("head/bias", model.head.bias))
    config = {
        "height": H,
        "conv": [{"filters": f, "pool": list(pl)} for f, pl in zip(filters, pools)],
        "lstmUnits": args.lstm_units,
        "lstmLayers": args.lstm_layers,
        "dropout": args.dropout,
        "classes": len(charset) + 1,
    }
    write_qw(path, {"config": config, "charset": charset, "metrics": metrics}, tensors)


def load_qw(model, path):
    """The inverse of export: a .qw file's weights into the network (same shape)."""
    header, values = read_qw(path)
    assert header["charset"] == charset, f"{path}: another charset"
    with torch.no_grad():
        for i, conv in enumerate(model.convs):
            conv.weight.copy_(values[f"conv{i}/kernel"].permute(3, 2, 0, 1))
            conv.bias.copy_(values[f"conv{i}/bias"])
        for l, lstm in enumerate(model.lstms):
            for d, suffix in (("fw", ""), ("bw", "_reverse")):
                getattr(lstm, f"weight_ih_l0{suffix}").copy_(values[f"lstm{l}/{d}/kernel"].t())
                getattr(lstm, f"weight_hh_l0{suffix}").copy_(values[f"lstm{l}/{d}/recurrent"].t())
                getattr(lstm, f"bias_ih_l0{suffix}").copy_(values[f"lstm{l}/{d}/bias"])
                getattr(lstm, f"bias_hh_l0{suffix}").zero_()
        model.head.weight.copy_(values["head/kernel"].t())
        model.head.bias.copy_(values["head/bias"])


# ---- batches and augmentation ------------------------------------------------------------
def batch_of(items, device):
    width = max(img.shape[1] for img, _, _ in items)
    x = np.zeros((len(items), 1, H, width), np.uint8)
    for k, (img, _, _) in enumerate(items):
        x[k, 0, :, : img.shape[1]] = img
    xt = torch.from_numpy(x)
    if device.type == "cuda":
        xt = xt.pin_memory().to(device, non_blocking=True)
    widths = np.array([img.shape[1] for img, _, _ in items], np.int64)
    return xt.float() / 255.0, widths


def augment(x, widths):
    """Sequence-preserving distortions per line, on the device: horizontal and vertical
    scale, slant, a small rotation and shift (one affine warp), stroke width, blur,
    contrast and noise. `widths` (numpy) are the lines' widths; returns the images on a
    canvas wide enough and their new widths (numpy: no wait for the device)."""
    n, _, h, w = x.shape
    d = x.device
    on_np = rng.random(n) < args.augment
    sx_np = np.where(on_np, np.exp(rng.uniform(math.log(0.8), math.log(1.2), n)), 1.0)
    new_w = np.maximum(1, np.round(widths * sx_np)).astype(np.int64)
    out_w = int(math.ceil(new_w.max() / stride) * stride)
    on = torch.tensor(on_np, dtype=torch.float32, device=d)
    sx = torch.tensor(sx_np, dtype=torch.float32, device=d).view(n, 1, 1)
    cx = torch.tensor(new_w / 2, dtype=torch.float32, device=d).view(n, 1, 1)
    u = lambda lo, hi: lo + (hi - lo) * torch.rand(n, device=d)
    sy = torch.exp(u(math.log(0.85), math.log(1.1)) * on).view(n, 1, 1)
    shear = (u(-0.35, 0.35) * on).view(n, 1, 1)
    angle = (u(-0.01, 0.01) * on).view(n, 1, 1)
    ty = (u(-0.06, 0.06) * h * on).view(n, 1, 1)
    # Output pixel (xo, yo) → input pixel: undo the shift, the rotation about the line's
    # centre, the slant, and the scales (horizontal from the left edge, vertical from the
    # middle row). Without augmentation the grid lands on the input's pixel centres.
    ys = torch.arange(h, device=d, dtype=torch.float32) + 0.5
    xs = torch.arange(out_w, device=d, dtype=torch.float32) + 0.5
    yc = ys.view(1, h, 1) - h / 2 - ty
    xc = xs.view(1, 1, out_w) - cx
    cos, sin = torch.cos(angle), torch.sin(angle)
    xr = cos * xc + sin * yc
    yr = -sin * xc + cos * yc
    xi = (xr + cx + shear * yr) / sx
    yi = yr / sy + h / 2
    grid = torch.stack([xi / w * 2 - 1, yi / h * 2 - 1], dim=-1)
    y = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    # Stroke width: thicker (max-pool) or thinner (min-pool) for some lines.
    k = torch.rand(n, device=d)
    thick = F.max_pool2d(y, (3, 3), 1, 1)
    thin = F.pad(-F.max_pool2d(-y, (2, 2), 1, 0), (0, 1, 0, 1))
    sel = lambda m: (m & (on > 0)).view(n, 1, 1, 1).float()
    y = y * (1 - sel(k < 0.15) - sel(k > 0.9)) + thick * sel(k < 0.15) + thin * sel(k > 0.9)
    blur = sel(torch.rand(n, device=d) < 0.25)
    y = y * (1 - blur) + F.avg_pool2d(y, 3, 1, 1, count_include_pad=False) * blur
    # Ink contrast and paper tone, then sensor noise.
    on4 = on.view(n, 1, 1, 1)
    y = y * u(0.6, 1.15).view(n, 1, 1, 1) ** on4 + u(0, 0.12).view(n, 1, 1, 1) * on4
    y = y + torch.randn_like(y) * u(0, 0.06).view(n, 1, 1, 1) * on4
    # Nothing may be drawn right of a line's new end: its frames beyond are not read.
    keep = (xs.view(1, 1, 1, out_w) < torch.tensor(new_w, dtype=torch.float32, device=d).view(n, 1, 1, 1)).float()
    return (y * keep).clamp(0, 1), new_w


def epoch_batches():
    """Lines sorted by a jittered width, cut into batches, batches shuffled: little padding."""
    keys = np.array([img.shape[1] for img, _, _ in train], np.float64) * np.exp(rng.uniform(-0.15, 0.15, len(train)))
    order = np.argsort(keys)
    batches = [order[i : i + args.batch] for i in range(0, len(order), args.batch)]
    rng.shuffle(batches)
    return batches


if args.preview:
    # The augmentations as the network sees them, each line above its original; and with
    # augmentation off the warp must give the lines back unchanged.
    from PIL import Image

    items = train[: args.preview]
    x, widths = batch_of(items, dev)
    share, args.augment = args.augment, 0.0
    same, same_w = augment(x, widths)
    assert (same_w == widths).all() and (same[..., : x.shape[-1]] - x).abs().max().item() < 1e-4, "identity warp"
    args.augment = share
    y, new_w = augment(x, widths)
    rows = []
    for k in range(len(items)):
        canvas = np.zeros((2 * H + 4, y.shape[-1]), np.uint8)
        canvas[:H, : x.shape[-1]] = (x[k, 0].cpu().numpy() * 255).astype(np.uint8)
        canvas[H : 2 * H] = (y[k, 0].cpu().numpy() * 255).astype(np.uint8)
        rows.append(canvas)
    Image.fromarray(255 - np.concatenate(rows)).save(os.path.join(args.out, "preview.png"))
    log(f"preview of {len(items)} lines written; identity warp exact")
    sys.exit(0)


# ---- evaluation ---------------------------------------------------------------------------
def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            cur = min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
            prev, row[j] = row[j], cur
    return row[-1]


def greedy(logits, frames):
    best = logits.argmax(-1).cpu().numpy()
    texts = []
    for k, t in enumerate(frames.numpy()):
        out, last = [], 0
        for c in best[k, : int(t)]:
            if c != last and c != 0:
                out.append(charset[c - 1])
            last = c
        texts.append("".join(out))
    return texts


@torch.no_grad()
def validation_cer(model):
    model.eval()
    order = sorted(range(len(valid)), key=lambda i: valid[i][0].shape[1])
    errors = chars = 0
    for i in range(0, len(order), 64):
        items = [valid[j] for j in order[i : i + 64]]
        x, widths = batch_of(items, dev)
        frames = torch.from_numpy(widths // stride)
        for (_, _, text), read in zip(items, greedy(model(x, frames), frames)):
            errors += edit_distance(read, text)
            chars += len(text)
    model.train()
    return errors / max(1, chars)


# ---- training -----------------------------------------------------------------------------
model = Recognizer(len(charset) + 1).to(dev)
if args.init:
    load_qw(model, args.init)
    log(f"weights from {args.init}")
opt = torch.optim.Adam(model.parameters(), lr=args.lr)
weights = sum(p.numel() for p in model.parameters())
log(f"network {args.filters} / {args.pools} / BiLSTM {args.lstm_layers}x{args.lstm_units}: {weights} weights")
train_start = time.time()
step = seen = 0
best = (float("inf"), 0)
next_eval = args.eval_every
loss_sum = torch.zeros((), device=dev)
loss_n = 0
curve = []


def evaluate():
    global best, loss_sum, loss_n
    cer = validation_cer(model)
    elapsed = time.time() - train_start
    loss = (loss_sum / max(1, loss_n)).item()
    curve.append({"step": step, "seconds": round(elapsed), "lines": seen, "loss": round(loss, 4), "valid_cer": round(cer, 4)})
    log(f"step {step} lines {seen} ({seen / elapsed:.0f}/s) loss/line {loss:.3f} lr {lr:.2e} valid CER {cer:.4f}")
    loss_sum = torch.zeros((), device=dev)
    loss_n = 0
    if cer < best[0]:
        best = (cer, step)
        export(model, os.path.join(args.out, "best.qw"), {"validCer": cer, "step": step, "lines": seen, "curve": curve})


lr = 0.0
done = False
while not done:
    for batch in epoch_batches():
        frac = (time.time() - train_start) / args.seconds
        if frac >= 1:
            done = True
            break
        lr = learning_rate(frac, args.lr, args.warmup, args.final_lr)
        for group in opt.param_groups:
            group["lr"] = lr
        items = [train[j] for j in batch]
        x, widths = batch_of(items, dev)
        x, widths = augment(x, widths)
        frames = torch.from_numpy(widths // stride)
        logits = model(x, frames)
        log_probs = F.log_softmax(logits.float(), -1).transpose(0, 1)
        targets = torch.tensor([c for _, labels, _ in items for c in labels], dtype=torch.long)
        target_lengths = torch.tensor([len(labels) for _, labels, _ in items], dtype=torch.long)
        loss = F.ctc_loss(log_probs, targets.to(dev), frames, target_lengths, blank=0, reduction="sum", zero_infinity=True) / len(items)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        loss_sum += loss.detach()
        loss_n += 1
        step += 1
        seen += len(items)
        if time.time() - train_start >= next_eval:
            next_eval += args.eval_every
            evaluate()
if not curve or curve[-1]["step"] != step:
    evaluate()
export(model, os.path.join(args.out, "final.qw"), {"validCer": curve[-1]["valid_cer"], "step": step, "lines": seen, "curve": curve})

if args.dump_logits:
    # Lines one at a time (no padding), for import-torch-model.ts to read with Quire's engine.
    model.eval()
    dump = []
    with torch.no_grad():
        for img, _, text in valid[: args.dump_logits]:
            x, widths = batch_of([(img, None, text)], dev)
            frames = torch.from_numpy(widths // stride)
            logits = model(x, frames)[0, : int(frames[0])]
            dump.append({"width": img.shape[1], "pixels": img.flatten().tolist(), "logits": logits.cpu().numpy().round(6).tolist()})
    json.dump(dump, open(os.path.join(args.out, "logits.json"), "w"))

summary = {"name": args.name, "steps": step, "lines": seen, "seconds": round(time.time() - train_start), "best_valid_cer": best[0], "best_step": best[1], "final_valid_cer": curve[-1]["valid_cer"], "weights": weights}
log(json.dumps(summary))
