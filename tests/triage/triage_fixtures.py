"""Helpers for the triage tests. Every image is generated here: never real material."""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from custos.core.policy import Policy, current_policy


def synthetic_image(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A smooth colour field with random discs: high PDQ quality, unrelated across seeds."""
    rng = np.random.default_rng(seed)
    field = rng.random((6, 8, 3))
    im = Image.fromarray((field * 255).astype(np.uint8)).resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(im)
    for _ in range(12):
        x, y = int(rng.integers(0, size[0])), int(rng.integers(0, size[1]))
        r = int(rng.integers(20, 120))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    return im


def encode(im: Image.Image, fmt: str = "JPEG", **kw: object) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **kw)
    return out.getvalue()


def require_tool(name: str, package: str | None = None) -> str:
    """Path of an external tool. Missing: FAIL under CI=true (scripts/bootstrap installs it), else skip."""
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/sbin/{name}") if os.access(p, os.X_OK)), None
    )
    if path is None:
        packages = package or "hashdeep, ewf-tools, e2fsprogs"
        message = f"{name} is not installed (Debian packages: {packages}; scripts/bootstrap installs them)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def policy() -> Policy:
    return current_policy()


@pytest.fixture
def make_ext2(tmp_path: Path) -> Callable[..., Path]:
    """Build an ext2 image from a folder with mke2fs -d; optionally delete paths with debugfs."""

    def build(src: Path, name: str = "disk.raw", size: str = "8M", delete: tuple[str, ...] = ()) -> Path:
        mke2fs = require_tool("mke2fs")
        img = tmp_path / name
        subprocess.run([mke2fs, "-q", "-t", "ext2", "-d", str(src), "-F", str(img), size], check=True)
        if delete:
            debugfs = require_tool("debugfs")
            for path in delete:
                subprocess.run([debugfs, "-w", "-R", f"rm {path}", str(img)], check=True, capture_output=True)
        return img

    return build


def mbr_disk(out: Path, partitions: list[Path], first_lba: int = 2048) -> list[int]:
    """A disk with a DOS partition table holding the given file-system images (type 0x83). Returns offsets."""
    entries = b""
    offsets = []
    lba = first_lba
    layout = []
    for part in partitions:
        sectors = (part.stat().st_size + 511) // 512
        layout.append((lba, sectors, part))
        entries += struct.pack("<B3sB3sII", 0, b"\xfe\xff\xff", 0x83, b"\xfe\xff\xff", lba, sectors)
        lba += sectors + 2048
    mbr = bytes(446) + entries.ljust(64, b"\0") + b"\x55\xaa"
    with open(out, "wb") as fh:
        fh.write(mbr)
        for start, _sectors, part in layout:
            fh.seek(start * 512)
            fh.write(part.read_bytes())
            offsets.append(start * 512)
        fh.truncate(lba * 512)
    return offsets


def vhd_fixed(raw: Path, out: Path) -> None:
    """A fixed VHD: the raw disk followed by the 512-byte 'conectix' footer."""
    size = raw.stat().st_size
    f = bytearray(512)
    f[0:8] = b"conectix"
    struct.pack_into(">IIQI", f, 8, 2, 0x00010000, 0xFFFFFFFFFFFFFFFF, 0)
    f[28:32] = b"cust"
    struct.pack_into(">I", f, 32, 0x00010000)
    f[36:40] = b"Wi2k"
    struct.pack_into(">QQ", f, 40, size, size)
    struct.pack_into(">HBBI", f, 56, max(1, size // 512 // (16 * 63)), 16, 63, 2)
    f[68:84] = bytes(range(16))
    struct.pack_into(">I", f, 64, (~sum(f)) & 0xFFFFFFFF)
    out.write_bytes(raw.read_bytes() + bytes(f))


def gpt_disk(out: Path, partitions: list[Path], first_lba: int = 2048) -> list[int]:
    """A GPT disk (protective MBR, primary and backup headers) holding the given file-system images."""
    import uuid
    import zlib

    linux_fs = uuid.UUID("0FC63DAF-8483-4772-8E79-3D69D8477DE4").bytes_le
    entries = bytearray(128 * 128)
    layout = []
    lba = first_lba
    for i, part in enumerate(partitions):
        sectors = (part.stat().st_size + 511) // 512
        name = f"part{i + 1}".encode("utf-16-le").ljust(72, b"\0")
        struct.pack_into(
            "<16s16sQQQ72s",
            entries,
            i * 128,
            linux_fs,
            uuid.uuid4().bytes_le,
            lba,
            lba + sectors - 1,
            0,
            name,
        )
        layout.append((lba, part))
        lba += sectors + 2048
    last = lba + 33
    entries_crc = zlib.crc32(bytes(entries))

    def header(current: int, backup: int, entries_lba: int) -> bytes:
        h = bytearray(
            struct.pack(
                "<8sIIIIQQQQ16sQIII",
                b"EFI PART",
                0x00010000,
                92,
                0,
                0,
                current,
                backup,
                34,
                last - 34,
                uuid.uuid4().bytes_le,
                entries_lba,
                128,
                128,
                entries_crc,
            )
        )
        struct.pack_into("<I", h, 16, zlib.crc32(bytes(h)))
        return bytes(h).ljust(512, b"\0")

    mbr = bytearray(512)
    struct.pack_into("<B3sB3sII", mbr, 446, 0, b"\0\x02\0", 0xEE, b"\xff\xff\xff", 1, min(last, 0xFFFFFFFF))
    mbr[510:512] = b"\x55\xaa"
    with open(out, "wb") as fh:
        fh.write(mbr)
        fh.write(header(1, last, 2))
        fh.write(entries)
        offsets = []
        for start, part in layout:
            fh.seek(start * 512)
            fh.write(part.read_bytes())
            offsets.append(start * 512)
        fh.seek((last - 32) * 512)
        fh.write(entries)
        fh.write(header(last, 1, last - 32))
    return offsets


def qcow2_image(raw: Path, out: Path) -> None:
    """A qcow2 (v2, 64 KiB clusters, uncompressed) holding the raw disk; all-zero clusters are holes."""
    cluster = 1 << 16
    data = raw.read_bytes()
    size = len(data)
    n_data = (size + cluster - 1) // cluster
    assert n_data <= cluster // 8, "one L2 table only"
    header_c, l1_c, rt_c, rb_c, l2_c = 0, 1, 2, 3, 4
    next_c = 5
    l2 = bytearray(cluster)
    body = []
    for i in range(n_data):
        chunk = data[i * cluster : (i + 1) * cluster].ljust(cluster, b"\0")
        if chunk.count(0) == cluster:
            continue
        struct.pack_into(">Q", l2, i * 8, (next_c * cluster) | (1 << 63))
        body.append(chunk)
        next_c += 1
    l1 = bytearray(cluster)
    struct.pack_into(">Q", l1, 0, (l2_c * cluster) | (1 << 63))
    refcount_table = bytearray(cluster)
    struct.pack_into(">Q", refcount_table, 0, rb_c * cluster)
    refcount_block = bytearray(cluster)
    for c in range(next_c):
        struct.pack_into(">H", refcount_block, c * 2, 1)
    header = bytearray(cluster)
    struct.pack_into(
        ">4sIQIIQIIQQIIQ",
        header,
        0,
        b"QFI\xfb",
        2,
        0,
        0,
        16,
        size,
        0,
        1,
        l1_c * cluster,
        rt_c * cluster,
        1,
        0,
        0,
    )
    assert header_c == 0
    out.write_bytes(
        bytes(header) + bytes(l1) + bytes(refcount_table) + bytes(refcount_block) + bytes(l2) + b"".join(body)
    )


def assert_read_whole(found: dict[str, object], data: bytes, path: str) -> None:
    """A report's file record has the size and MD5/SHA-1/SHA-256 of ``data``, read without error."""
    import hashlib

    assert (found["size"], found["md5"], found["sha1"], found["sha256"], found["errors"]) == (
        len(data),
        hashlib.md5(data, usedforsecurity=False).hexdigest(),
        hashlib.sha1(data, usedforsecurity=False).hexdigest(),
        hashlib.sha256(data).hexdigest(),
        [],
    ), path
