"""Reading an LZVN-compressed HFS+ file (decmpfs type 8): the scanner's reader against its pure-Python
decoder, TSK and libfshfs, side by side on the same file of the same image.

    .venv/bin/python benchmarks/triage_lzvn_speed.py [--size-mb 24] [--repeat 3]

The file is a tar of the venv's ``.py`` and ``.so`` files (text and machine code, as a macOS system volume
mostly holds), cut to ``--size-mb``, compressed in 64 KiB units by the tests' LZVN encoder into an HFS+ image
made by the tests' writer (``tests/triage/triage_lzvn.py``, ``triage_hfsplus.py``; built once, kept under
``benchmarks/out/triage_lzvn``). Each reader reads the whole file in 64 KiB pieces; the best of ``--repeat``
runs is printed as MB/s of decompressed output and as a ratio to the baseline, the scanner's pure-Python
decoder (``open_decmpfs(..., tsk_lzvn=False)``, the reader before TSK was let decode type-8 units). The
one-pass MD5+SHA-1+SHA-256 rate of one core is printed for scale: a reader slower than it slows the scan.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

import pyfshfs
import pytsk3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "triage"))

from triage_hfsplus import DECMPFS_LZVN_RSRC, hfsplus_image  # noqa: E402

from custos.triage.scanner.sources.decmpfs import open_decmpfs  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "triage_lzvn"
PATH = "/System/Library/venv.tar"
CHUNK = 1 << 16


def content(size: int) -> bytes:
    """A tar of the venv's .py and .so files in path order (deterministic), cut to ``size`` bytes."""
    site = next((ROOT / ".venv" / "lib").glob("python3*/site-packages"))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path in sorted(p for p in site.rglob("*") if p.suffix in {".py", ".so"} and p.is_file()):
            info = tar.gettarinfo(str(path), arcname=str(path.relative_to(site)))
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            with open(path, "rb") as fh:
                tar.addfile(info, fh)
            if buffer.tell() >= size:
                break
    data = buffer.getvalue()[:size]
    if len(data) < size:
        sys.exit(f"the venv holds only {len(data)} bytes of .py and .so files")
    return data


def image(size: int) -> tuple[Path, bytes]:
    data = content(size)
    out = OUT / f"lzvn-{size >> 20}mb.raw"
    if not out.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        print(f"building {out.name}: encoding {size >> 20} MB with the tests' LZVN encoder ...", flush=True)
        volume = min(128 << 20, -(-(size + (8 << 20)) // (1 << 20)) << 20)
        hfsplus_image(
            out.with_suffix(".tmp"), {PATH: data}, compressed={PATH: DECMPFS_LZVN_RSRC}, size=volume
        )
        out.with_suffix(".tmp").rename(out)
        print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)
    return out, data


def read_scanner(path: Path, size: int, *, tsk_lzvn: bool) -> Callable[[], bytes]:
    fs = pytsk3.FS_Info(pytsk3.Img_Info(str(path)))
    cnid = int(fs.open(PATH).info.meta.addr)

    def run() -> bytes:
        reader = open_decmpfs(fs, cnid, tsk_lzvn=tsk_lzvn)
        return b"".join(iter(lambda: reader.read(CHUNK), b""))

    return run


def read_tsk(path: Path, size: int) -> Callable[[], bytes]:
    handle = pytsk3.FS_Info(pytsk3.Img_Info(str(path))).open(PATH)
    return lambda: b"".join(handle.read_random(o, min(CHUNK, size - o)) for o in range(0, size, CHUNK))


def read_libfshfs(path: Path, size: int) -> Callable[[], bytes]:
    volume = pyfshfs.open(str(path))
    cnid = volume.get_file_entry_by_path(PATH).identifier

    def run() -> bytes:
        entry = volume.get_file_entry_by_identifier(cnid)
        return b"".join(entry.read_buffer_at_offset(min(CHUNK, size - o), o) for o in range(0, size, CHUNK))

    return run


def best(run: Callable[[], bytes], expected: bytes, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        data = run()
        times.append(time.perf_counter() - start)
        if data != expected:
            sys.exit("a reader returned the wrong content")
    return min(times)


def hash_rate(seconds: float = 2.0) -> float:
    buf = os.urandom(CHUNK)
    digests = [hashlib.md5(usedforsecurity=False), hashlib.sha1(usedforsecurity=False), hashlib.sha256()]
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for digest in digests:
            digest.update(buf)
        n += 1
    return n * CHUNK / (time.perf_counter() - start) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=24)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    size = args.size_mb << 20
    path, data = image(size)
    units = -(-size // CHUNK)
    handle = pytsk3.FS_Info(pytsk3.Img_Info(str(path))).open(PATH)
    rsrc = pytsk3.TSK_FS_ATTR_TYPE_HFS_RSRC
    compressed = next(int(a.info.size) for a in handle if int(a.info.type) == rsrc)
    print(f"file: {size / 1e6:.1f} MB in {units} units, {compressed / 1e6:.1f} MB compressed, {path}")
    readers = {
        "scanner, pure-Python LZVN decoder (baseline: before)": read_scanner(path, size, tsk_lzvn=False),
        "TSK (pytsk3 read_random, 64 KiB reads)": read_tsk(path, size),
        "libfshfs (pyfshfs, by catalog node ID)": read_libfshfs(path, size),
        "scanner as shipped (TSK per unit, guarded)": read_scanner(path, size, tsk_lzvn=True),
    }
    results = {name: best(run, data, args.repeat) for name, run in readers.items()}
    baseline = results["scanner, pure-Python LZVN decoder (baseline: before)"]
    width = max(map(len, results))
    print(f"\n{'reader':<{width}}  {'seconds':>8}  {'MB/s':>8}  {'x baseline':>10}")
    for name, seconds in results.items():
        print(f"{name:<{width}}  {seconds:8.3f}  {size / seconds / 1e6:8.1f}  {baseline / seconds:10.1f}")
    print(f"\nMD5+SHA-1+SHA-256, one core, one pass: {hash_rate():.0f} MB/s (for scale)")


if __name__ == "__main__":
    main()
