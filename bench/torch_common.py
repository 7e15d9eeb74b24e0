"""What Quire's PyTorch training scripts share (bench/real/torch_train_base.py, the
recognizer; bench/seg/torch_train_seg.py, the segmenter): the run's log, decoding the packed
images, the .qw weight files that the TypeScript side reads (bench/real/torch-weights.ts),
and the learning rate on the clock. Runs on PyTorch 1.13 (CPU) and 2.x (CUDA)."""
import io
import json
import math
import os
import struct
import time

import numpy as np
import torch


def start_run(out, dev, benchmark):
    """The output folder, TF32 on CUDA (`benchmark`: cuDNN may choose its kernels once, when
    the shapes do not change) and a log function writing to the console and out/log.txt."""
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = benchmark
    os.makedirs(out, exist_ok=True)
    log_file = open(os.path.join(out, "log.txt"), "a")
    started = time.time()

    def log(msg):
        line = f"[{time.time() - started:6.0f}s] {msg}"
        print(line, flush=True)
        log_file.write(line + "\n")
        log_file.flush()

    return log


def device_name(dev):
    return f"{dev} ({torch.cuda.get_device_name()}, PyTorch {torch.__version__})" if dev.type == "cuda" else f"{dev} (PyTorch {torch.__version__})"


def decode(blob):
    """A packed image (WebP, PNG) as 8-bit gray; PIL where it is, else OpenCV."""
    try:
        from PIL import Image

        return np.array(Image.open(io.BytesIO(blob)).convert("L"), dtype=np.uint8)
    except ImportError:
        import cv2

        return cv2.imdecode(np.frombuffer(blob, np.uint8), cv2.IMREAD_GRAYSCALE)


def write_qw(path, header, tensors):
    """A .qw file: u32 header length, the JSON header (`header` with the manifest of
    `tensors`, (name, tensor) pairs already in the TF.js layouts, at byte offsets), then the
    float32 data. Written to a temporary file and renamed."""
    arrays, manifest, offset = [], [], 0
    for name, t in tensors:
        a = np.ascontiguousarray(t.detach().float().cpu().numpy(), dtype="<f4")
        manifest.append({"name": name, "shape": list(a.shape), "offset": offset})
        arrays.append(a.tobytes())
        offset += a.nbytes
    data = json.dumps({**header, "tensors": manifest}).encode()
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<I", len(data)))
        f.write(data)
        for a in arrays:
            f.write(a)
    os.replace(tmp, path)


def read_qw(path):
    """(header, {name: torch float32 tensor}) of a .qw file, or of a Quire model file
    (main/ml/tensor-file.ts: 8 magic bytes, version, header length, JSON, padding to 4
    bytes, float32s at element offsets)."""
    data = open(path, "rb").read()
    if data[:5] == b"QUIRE":
        n = struct.unpack("<I", data[12:16])[0]
        header = json.loads(data[16 : 16 + n])
        start, unit = 16 + n + (4 - (16 + n) % 4) % 4, 4
    else:
        n = struct.unpack("<I", data[:4])[0]
        header = json.loads(data[4 : 4 + n])
        start, unit = 4 + n, 1
    values = {}
    for t in header["tensors"]:
        count = math.prod(t["shape"])
        values[t["name"]] = torch.from_numpy(np.frombuffer(data, "<f4", count, start + unit * t["offset"]).reshape(t["shape"]).copy())
    return header, values


def learning_rate(frac, lr, warmup, final):
    """At `frac` of the budget: linear warm-up over `warmup`, then a cosine to `final` × lr."""
    if frac < warmup:
        return lr * frac / warmup
    c = (frac - warmup) / (1 - warmup)
    return lr * (final + (1 - final) * 0.5 * (1 + math.cos(math.pi * c)))
