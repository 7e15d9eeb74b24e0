#!/usr/bin/env python3
"""Trains Quire's segmentation network (main/ml/seg-net.ts) in PyTorch, on a lent GPU.

The same U-Net, weight for weight: per level a 3x3 "same" convolution + ReLU, 2x2 max-pool
between levels; decoder: 2x nearest upsampling, concatenation [upsampled, skip] on the
channels, 3x3 convolution + ReLU; a 1x1 linear head with one logit per map (baseline, line,
main, margin). The weights are written in seg-net.ts's names and layouts (HWIO kernels) to a
.qw file that bench/seg/import-torch-segmenter.ts turns into a .qseg, checking on pages read
by both engines that they agree.

Training follows main/ml/seg-train.ts, on the device and with larger batches: random square
crops of the pages, each at a random scale (the image sampled bilinearly, the targets
nearest), the page's contrast normalisation (mean - gray) / std, gain and shift jitter, and
seg-gradients.ts's loss (logistic per map, positives weighted 6 / 1.5 / 1 / 2). Adam with a
warm-up and a cosine on elapsed time (--seconds), so the run ends when the lease allows;
gradient norm clipped. Every --eval-every seconds the validation pages of the pack are read
whole: their weighted loss chooses best.qw; the pixel F1 of the baseline and line maps at 0.5
is logged.

Input: a pack made by bench/seg/gpu-pack-seg.ts (WebP pages, PNG targets).

  python3 bench/seg/torch_train_seg.py --pack .gpu-seg --out OUT --seconds 450
  python3 bench/seg/torch_train_seg.py --pack .gpu-seg --out /tmp/s --device cpu \\
      --steps 40 --batch 4 --max-pages 24 --dump-logits 2      # a dry run and the parity input

Runs on PyTorch 1.13 (Debian's, CPU) and 2.x (CUDA). Writes log.txt, best.qw, final.qw (and
logits.json with --dump-logits) and prints a final JSON line.
"""
import argparse
import base64
import contextlib
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_common import decode, device_name, learning_rate, read_qw, start_run, write_qw  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--pack", required=True)
p.add_argument("--out", required=True)
p.add_argument("--seconds", type=float, default=450)
p.add_argument("--steps", type=int, default=0, help="also a step budget (0: the clock alone); the schedule follows whichever ends first")
p.add_argument("--batch", type=int, default=32)
p.add_argument("--crop", type=int, default=320)
p.add_argument("--lr", type=float, default=2e-3)
p.add_argument("--warmup", type=float, default=0.03, help="share of the time budget")
p.add_argument("--final-lr", type=float, default=0.1, help="share of --lr at the end (seg-train.ts: a tenth)")
p.add_argument("--clip", type=float, default=5.0)
p.add_argument("--levels", default="8,16,32,48,64", help="filters per level (the bundled segmenter's)")
p.add_argument("--config", help="take the levels from a .qseg or .qw file instead")
p.add_argument("--scale", default="0.7,1.4", help="random scale of each crop, min,max")
p.add_argument("--gain", default="0.8,1.25")
p.add_argument("--shift", type=float, default=0.2)
p.add_argument("--positive-weight", default="6,1.5,1,2")
p.add_argument("--eval-every", type=float, default=60)
p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
p.add_argument("--amp", type=int, default=1, help="bfloat16 autocast on CUDA (1) or not (0)")
p.add_argument("--seed", type=int, default=1)
p.add_argument("--max-pages", type=int, default=0, help="training pages read (0: all)")
p.add_argument("--threads", type=int, default=0, help="CPU threads (0: PyTorch's choice)")
p.add_argument("--init", help="start from the weights of a .qw or .qseg file (same network)")
p.add_argument("--dump-logits", type=int, default=0, help="validation pages read one by one for the parity check")
p.add_argument("--dump-crop", default="", help="WxH: dump only the middle WxH of each page (small fixtures)")
p.add_argument("--preview", type=int, default=0, help="write preview.png of N training crops and stop")
p.add_argument("--name", default="")
args = p.parse_args()

torch.manual_seed(args.seed)
if args.threads:
    torch.set_num_threads(args.threads)
dev = torch.device(args.device)
amp = dev.type == "cuda" and args.amp == 1
log = start_run(args.out, dev, benchmark=True)  # crops have one size
autocast = lambda: torch.autocast("cuda", dtype=torch.bfloat16) if amp else contextlib.nullcontext()


levels = [int(f) for f in args.levels.split(",")]
if args.config:
    levels = read_qw(args.config)[0]["config"]["levels"]
stride = 2 ** (len(levels) - 1)
assert args.crop % stride == 0, f"crop {args.crop} is not a multiple of the network stride {stride}"
positive_weight = [float(v) for v in args.positive_weight.split(",")]
maps = len(positive_weight)


# ---- data -------------------------------------------------------------------------------
def page_stats(img):
    """seg-train.ts's pageStats: mean and std of the gray values, the variance at least 1."""
    v = img.astype(np.float64)
    mean = v.mean()
    return mean, math.sqrt(max(1.0, (v * v).mean() - mean * mean))


def normalise(img):
    mean, std = page_stats(img)
    return ((mean - img.astype(np.float64)) / std).astype(np.float32)


index = json.load(open(os.path.join(args.pack, "index.json")))
P = index["pageSize"]
assert len(index["maps"]) == maps, f"{len(index['maps'])} maps in the pack, {maps} loss weights"
raw = open(os.path.join(args.pack, "pages.bin"), "rb").read()
entries = [e for e in index["pages"] if e["split"] == "validation"]
train_entries = [e for e in index["pages"] if e["split"] == "train"]
if args.max_pages:
    # Spread over the pack (it is ordered by collection turns), so every collection stays.
    train_entries = [train_entries[(i * len(train_entries)) // args.max_pages] for i in range(min(args.max_pages, len(train_entries)))]
entries += train_entries
train, valid = [], []
for e in entries:
    blob = lambda r: raw[r["offset"] : r["offset"] + r["bytes"]]
    img, tgt = decode(blob(e["image"])), decode(blob(e["targets"]))
    assert img.shape == tgt.shape == (e["height"], e["width"]), (e["file"], img.shape, tgt.shape)
    (train if e["split"] == "train" else valid).append((img, tgt, e))
del raw
log(f"{len(train)} training and {len(valid)} validation pages decoded (page size {P}); device {device_name(dev)}")

# The training pages on the device, normalised and padded to P x P with paper (0), their
# target bytes beside them: crops are cut there, a batch at a time.
pages = torch.zeros((len(train), 1, P, P), dtype=torch.float16 if dev.type == "cuda" else torch.float32)
codes = torch.zeros((len(train), 1, P, P), dtype=torch.uint8)
sizes = torch.zeros((len(train), 2))
for k, (img, tgt, e) in enumerate(train):
    h, w = img.shape
    pages[k, 0, :h, :w] = torch.from_numpy(normalise(img))
    codes[k, 0, :h, :w] = torch.from_numpy(tgt)
    sizes[k] = torch.tensor([w, h])
pages, codes, sizes = pages.to(dev), codes.to(dev), sizes.to(dev)
bits = (2 ** torch.arange(maps, device=dev)).view(1, maps, 1, 1)
weight_of = torch.tensor(positive_weight, device=dev).view(1, maps, 1, 1)


# ---- the network ------------------------------------------------------------------------
class SegNet(nn.Module):
    def __init__(self):
        super().__init__()
        conv = lambda cin, cout, k: nn.Conv2d(cin, cout, k, padding=k // 2)
        self.enc = nn.ModuleList()
        ch = 1
        for f in levels:
            self.enc.append(conv(ch, f, 3))
            ch = f
        # dec[i] for i = L-2 … 0, as seg-net.ts names them.
        self.dec = nn.ModuleDict()
        for i in range(len(levels) - 2, -1, -1):
            self.dec[str(i)] = conv(ch + levels[i], levels[i], 3)
            ch = levels[i]
        self.head = conv(ch, maps, 1)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)
        # seg-net.ts's start: "mostly background" (sigmoid(-2) ≈ 0.12), the maps are sparse.
        nn.init.constant_(self.head.bias, -2.0)

    def forward(self, x):
        """x [N,1,H,W] normalised pages, H and W multiples of the stride → logits [N,maps,H,W]."""
        skips = []
        for i, conv in enumerate(self.enc):
            if i > 0:
                x = F.max_pool2d(x, 2, 2)
            x = F.relu(conv(x))
            skips.append(x)
        for i in range(len(levels) - 2, -1, -1):
            x = F.relu(self.dec[str(i)](torch.cat([F.interpolate(x, scale_factor=2, mode="nearest"), skips[i]], 1)))
        return self.head(x)

    def named_weights(self):
        """(seg-net.ts name, PyTorch parameter) pairs; kernels go HWIO ↔ OIHW."""
        out = []
        for i, conv in enumerate(self.enc):
            out += [(f"enc{i}", conv)]
        out += [(f"dec{i}", self.dec[str(i)]) for i in range(len(levels) - 2, -1, -1)]
        return out + [("head", self.head)]


def export(model, path, metrics):
    """Writes the weights in seg-net.ts's names and layouts (a .qw file)."""
    tensors = [t for name, conv in model.named_weights() for t in ((f"{name}/kernel", conv.weight.permute(2, 3, 1, 0)), (f"{name}/bias", conv.bias))]
    write_qw(path, {"config": {"levels": levels, "outputs": maps}, "pageSize": P, "metrics": metrics}, tensors)


def load(model, path):
    header, values = read_qw(path)
    assert header["config"]["levels"] == levels, f"{path}: levels {header['config']['levels']}, this network {levels}"
    with torch.no_grad():
        for name, conv in model.named_weights():
            conv.weight.copy_(values[f"{name}/kernel"].permute(3, 2, 0, 1))
            conv.bias.copy_(values[f"{name}/bias"])


def seg_loss(logits, target, inside=None):
    """seg-gradients.ts's segLoss: mean logistic loss, positives of map m weighted w[m]
    (over the pixels `inside` a page when given)."""
    w = 1 + target * (weight_of - 1)
    bce = F.binary_cross_entropy_with_logits(logits.float(), target, weight=w, reduction="none")
    if inside is None:
        return bce.mean()
    return (bce * inside).sum() / (inside.sum() * maps)


# ---- batches ------------------------------------------------------------------------------
smin, smax = (float(v) for v in args.scale.split(","))
gmin, gmax = (float(v) for v in args.gain.split(","))


def batch():
    """makeSegBatch on the device: per crop a page, a scale, a window of crop/scale pixels
    at a random place, the gain and shift."""
    B, C = args.batch, args.crop
    u = lambda lo, hi: lo + (hi - lo) * torch.rand(B, device=dev)
    idx = torch.randint(len(train), (B,), device=dev)
    scale = torch.exp(u(math.log(smin), math.log(smax))) if (smin, smax) != (1, 1) else torch.ones(B, device=dev)
    window = torch.round(C / scale)
    x0 = torch.floor(torch.rand(B, device=dev) * torch.clamp(sizes[idx, 0] - window + 1, min=1))
    y0 = torch.floor(torch.rand(B, device=dev) * torch.clamp(sizes[idx, 1] - window + 1, min=1))
    return crops(idx, scale, x0, y0, u(gmin, gmax), u(-args.shift, args.shift))


def crops(idx, scale, x0, y0, gain, shift):
    """Crops of pages idx with their window's corner at (x0, y0), sampled to crop x crop
    (image bilinear, targets nearest); outside the page paper (0) and no targets; gain and
    shift on the page's pixels."""
    B, C = len(idx), args.crop
    w, h = sizes[idx, 0], sizes[idx, 1]
    r = torch.arange(C, device=dev, dtype=torch.float32) + 0.5
    sx = x0.view(B, 1) + r.view(1, C) / scale.view(B, 1) - 0.5  # source pixel of each column
    sy = y0.view(B, 1) + r.view(1, C) / scale.view(B, 1) - 0.5
    grid = torch.stack(
        [((sx + 0.5) / P * 2 - 1).view(B, 1, C).expand(B, C, C), ((sy + 0.5) / P * 2 - 1).view(B, C, 1).expand(B, C, C)], -1
    )
    img = F.grid_sample(pages[idx].float(), grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    code = F.grid_sample(codes[idx].float(), grid, mode="nearest", padding_mode="zeros", align_corners=False)
    target = ((code.round().to(torch.int64) & bits) > 0).float()
    inside = ((torch.round(sy) < h.view(B, 1)).view(B, 1, C, 1) & (torch.round(sx) < w.view(B, 1)).view(B, 1, 1, C)).float()
    return (img * gain.view(B, 1, 1, 1) + shift.view(B, 1, 1, 1)) * inside, target * inside


if args.preview:
    # Without scale and jitter a crop must be its window of the page, pixel for pixel (the
    # grid lands on pixel centres); then the crops as the network sees them, per row:
    # image | baseline | line | main (gray) and margin (white).
    from PIL import Image

    C, one, zero = args.crop, torch.ones(1, device=dev), torch.zeros(1, device=dev)
    for k in range(min(8, len(train))):
        w, h = (int(v) for v in sizes[k].tolist())
        x0, y0 = max(0, w - C) // 2, max(0, h - C) // 2
        x, t = crops(torch.tensor([k], device=dev), one, x0 * one, y0 * one, one, zero)
        cw, ch = min(C, w - x0), min(C, h - y0)
        same_t = ((codes[k, 0, y0 : y0 + ch, x0 : x0 + cw].to(torch.int64).unsqueeze(0) & bits.view(maps, 1, 1)) > 0).float()
        diff = (x[0, 0, :ch, :cw] - pages[k, 0, y0 : y0 + ch, x0 : x0 + cw].float()).abs().max()
        assert diff < 1e-4, f"identity crop: the image differs by {diff}"  # float32 grid rounding: ~3e-5
        assert torch.equal(t[0, :, :ch, :cw], same_t) and x[0, 0, ch:].abs().sum() == 0, "identity crop: targets"
    args.batch = args.preview
    x, t = batch()
    gray = lambda a: (np.clip(a.cpu().numpy(), 0, 1) * 255).astype(np.uint8)
    rows = [np.concatenate([gray(0.7 - x[i, 0] / 5), gray(t[i, 0]), gray(t[i, 1]), gray(t[i, 2] * 0.5 + t[i, 3])], 1) for i in range(len(x))]
    Image.fromarray(np.concatenate(rows, 0)).save(os.path.join(args.out, "preview.png"))
    log(f"preview of {len(x)} crops written; crops without scale or jitter are their windows exactly")
    sys.exit(0)


# ---- evaluation ---------------------------------------------------------------------------
def padded(img):
    """A whole page as seg-infer.ts feeds it: normalised, padded with 0 to the stride."""
    h, w = img.shape
    H, W = -(-h // stride) * stride, -(-w // stride) * stride
    x = np.zeros((1, 1, H, W), np.float32)
    x[0, 0, :h, :w] = normalise(img)
    return torch.from_numpy(x).to(dev)


@torch.no_grad()
def validate(model):
    """Weighted loss over the validation pages' pixels; pixel F1 (at 0.5) of baseline and line."""
    model.eval()
    loss = n = 0.0
    counts = torch.zeros(maps, 3, device=dev)  # true positives, predicted, true
    for img, tgt, _ in valid:
        h, w = img.shape
        with autocast():
            z = model(padded(img))[:, :, :h, :w]
        t = ((torch.from_numpy(tgt).to(dev).to(torch.int64).view(1, 1, h, w) & bits) > 0).float()
        loss += seg_loss(z, t).item() * h * w
        n += h * w
        pred = (z.float() > 0).float()
        counts += torch.stack([(pred * t).sum((0, 2, 3)), pred.sum((0, 2, 3)), t.sum((0, 2, 3))], 1)
    model.train()
    f1 = (2 * counts[:, 0] / (counts[:, 1] + counts[:, 2]).clamp(min=1)).tolist()
    return loss / max(1, n), f1


# ---- training -----------------------------------------------------------------------------
model = SegNet().to(dev)
if args.init:
    load(model, args.init)
    log(f"weights from {args.init}")
opt = torch.optim.Adam(model.parameters(), lr=args.lr)
weights = sum(p.numel() for p in model.parameters())
log(f"network levels {levels} ({weights} weights); batch {args.batch} x {args.crop}^2, scale {smin}-{smax}, amp {amp}")
train_start = time.time()
step = 0
best = (float("inf"), 0)
next_eval = args.eval_every
loss_sum = torch.zeros((), device=dev)
loss_n = 0
curve = []
lr = 0.0
metrics = {}


def evaluate():
    global best, loss_sum, loss_n, metrics
    vloss, f1 = validate(model)
    elapsed = time.time() - train_start
    loss = (loss_sum / max(1, loss_n)).item()
    curve.append({"step": step, "seconds": round(elapsed), "loss": round(loss, 4), "valid_loss": round(vloss, 4), "baseline_f1": round(f1[0], 4), "line_f1": round(f1[1], 4)})
    log(f"step {step} ({step * args.batch / elapsed:.0f} crops/s) loss {loss:.4f} lr {lr:.2e} valid loss {vloss:.4f} F1 baseline {f1[0]:.3f} line {f1[1]:.3f} main {f1[2]:.3f} margin {f1[3] if maps > 3 else 0:.3f}")
    loss_sum = torch.zeros((), device=dev)
    loss_n = 0
    metrics = {"validLoss": vloss, "baselineF1": f1[0], "lineF1": f1[1], "step": step, "crops": step * args.batch, "sources": index.get("sources"), "curve": curve}
    if vloss < best[0]:
        best = (vloss, step)
        export(model, os.path.join(args.out, "best.qw"), metrics)


while True:
    frac = max((time.time() - train_start) / args.seconds, step / args.steps if args.steps else 0)
    if frac >= 1:
        break
    lr = learning_rate(frac, args.lr, args.warmup, args.final_lr)
    for group in opt.param_groups:
        group["lr"] = lr
    x, target = batch()
    with autocast():
        logits = model(x)
    loss = seg_loss(logits, target)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), args.clip)
    opt.step()
    loss_sum += loss.detach()
    loss_n += 1
    step += 1
    if time.time() - train_start >= next_eval:
        next_eval += args.eval_every
        evaluate()
if not curve or curve[-1]["step"] != step:
    evaluate()
export(model, os.path.join(args.out, "final.qw"), metrics)

if args.dump_logits:
    # Validation pages one at a time, in float32, for import-torch-segmenter.ts to read
    # with Quire's engine: 8-bit pixels and the logits [H][W][maps] of the padded page
    # (seg-net.ts's NHWC order), both base64 (uint8, float32 little-endian).
    # In full float32 (no TF32 on the GPU), as Quire's engine computes.
    torch.backends.cudnn.allow_tf32 = False
    model.eval()
    dump = []
    with torch.no_grad():
        for img, _, e in valid[: args.dump_logits]:
            if args.dump_crop:
                cw, ch = (int(v) for v in args.dump_crop.split("x"))
                top, left = (img.shape[0] - ch) // 2, (img.shape[1] - cw) // 2
                img = np.ascontiguousarray(img[top : top + ch, left : left + cw])
            z = model(padded(img))[0].permute(1, 2, 0).contiguous().cpu().numpy().astype("<f4")
            dump.append({"file": e["file"], "width": img.shape[1], "height": img.shape[0], "pixels": base64.b64encode(img.tobytes()).decode(), "logits": base64.b64encode(z.tobytes()).decode()})
    json.dump(dump, open(os.path.join(args.out, "logits.json"), "w"))

summary = {"name": args.name, "steps": step, "crops": step * args.batch, "seconds": round(time.time() - train_start), "best_valid_loss": best[0], "best_step": best[1], "final_valid_loss": curve[-1]["valid_loss"], "weights": weights}
log(json.dumps(summary))
