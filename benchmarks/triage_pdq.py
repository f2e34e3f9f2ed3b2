"""PDQ throughput on generated camera-sized JPEGs: our scan (process pool) vs a single-process pdqhash loop.

    .venv/bin/python benchmarks/triage_pdq.py [--count 2000] [--width 4032 --height 3024]

Prints images/s for the baseline loop (Pillow decode + RGB + pdqhash.compute at full resolution, as pytx
does), for our scan as configured (which also computes MD5/SHA-1/SHA-256 and all 8 dihedral hashes; JPEGs
decoded at the DCT scale that keeps the shorter side >= policy ``triage.pdq_jpeg_decode_min_side``) and for
our scan with that policy set to 0 (every image at full resolution), with the maximum Hamming distance of each
from the full-resolution baseline hash. Target: >= 1.8x on 2 cores.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image, ImageDraw

from custos.core.policy import Policy, current_policy
from custos.triage.scanner.pdq import bits_to_hex, hamming
from custos.triage.scanner.scan import ScanOptions, scan

OUT = Path(__file__).resolve().parent / "out" / "triage_pdq"


def camera_jpeg(seed: int, width: int, height: int) -> bytes:
    """A photo-like synthetic scene: colour field, discs and sensor noise (decodes like a photo)."""
    rng = np.random.default_rng(seed)
    field = rng.random((6, 8, 3))
    im = Image.fromarray((field * 255).astype(np.uint8)).resize((width, height), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(im)
    for _ in range(25):
        x, y, r = int(rng.integers(0, width)), int(rng.integers(0, height)), int(rng.integers(50, width // 4))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    noise = rng.integers(-8, 9, (height // 4, width // 4, 1), dtype=np.int16)
    arr = np.asarray(im, dtype=np.int16) + np.repeat(np.repeat(noise, 4, axis=0), 4, axis=1)
    out = io.BytesIO()
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=90)
    return out.getvalue()


def baseline(paths: list[Path]) -> tuple[float, dict[str, str]]:
    hashes = {}
    start = time.perf_counter()
    for p in paths:
        with Image.open(p) as im:
            bits, _quality = pdqhash.compute(np.asarray(im.convert("RGB")))
        hashes[str(p)] = bits_to_hex(bits)
    return time.perf_counter() - start, hashes


def ours(root: Path, policy: Policy, cores: int) -> tuple[float, dict[str, str]]:
    start = time.perf_counter()
    report = scan(
        ScanOptions(source=str(root), json_out=str(OUT / "report.json"), workers=cores, progress=False),
        policy=policy,
    )
    elapsed = time.perf_counter() - start
    return elapsed, {f["path"]: f["pdq"] for f in report["files"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--width", type=int, default=4032)
    ap.add_argument("--height", type=int, default=3024)
    ap.add_argument(
        "--distinct", type=int, default=50, help="distinct scenes (re-encoded copies fill the rest)"
    )
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    root = OUT / "jpegs"
    shutil.rmtree(OUT, ignore_errors=True)
    root.mkdir(parents=True)
    scenes = [camera_jpeg(i, args.width, args.height) for i in range(min(args.distinct, args.count))]
    paths = []
    for i in range(args.count):
        p = root / f"IMG_{i:05d}.jpg"
        data = scenes[i % len(scenes)]
        p.write_bytes(data + i.to_bytes(4, "big"))  # distinct files (trailing bytes after EOI), same pixels
        paths.append(p)
    print(
        f"{args.count} JPEGs {args.width}x{args.height} ({len(scenes)} scenes), {cores} cores, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    n = args.count
    t_base, base = baseline(paths)
    print(f"baseline done: {n / t_base:.2f} images/s", flush=True)
    policy = current_policy()
    min_side = int(policy.get("triage.pdq_jpeg_decode_min_side"))
    t_ours, got = ours(root, policy, cores)
    print(f"scan as configured done: {n / t_ours:.2f} images/s", flush=True)
    t_full, full = ours(root, policy.with_overrides({"triage.pdq_jpeg_decode_min_side": 0}), cores)
    print(f"baseline single-process pdqhash loop: {n / t_base:.2f} images/s ({t_base:.1f} s)")
    print(
        f"custos scan, {cores} workers, JPEG decode min side {min_side}: {n / t_ours:.2f} images/s -> "
        f"{t_base / t_ours:.2f}x (target >= 1.8x); "
        f"max distance vs full-resolution baseline {max(hamming(base[k], got[k]) for k in base)}"
    )
    print(
        f"custos scan, {cores} workers, full resolution (min side 0): {n / t_full:.2f} images/s -> "
        f"{t_base / t_full:.2f}x; max distance vs baseline {max(hamming(base[k], full[k]) for k in base)}"
    )
    print(f"load average after runs: {os.getloadavg()[0]:.1f}")
    shutil.rmtree(root)


if __name__ == "__main__":
    main()
