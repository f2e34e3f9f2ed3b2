"""Storage media: raw/dd (single and split), EWF/E01 (single and segmented), and qcow2/vmdk/vhd via dfvfs.

Every container is reduced to one interface, ``read_at(offset, size)`` over the logical disk, which pytsk3
then reads partitions and file systems from (``TskImage``).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytsk3

EWF_MAGIC = b"EVF\x09\x0d\x0a\xff\x00"
EWF2_MAGIC = b"EVF2\x0d\x0a\x81\x00"
QCOW_MAGIC = b"QFI\xfb"
VMDK_MAGIC = b"KDMV"
VHDX_MAGIC = b"vhdxfile"
VHD_COOKIE = b"conectix"
_SPLIT = re.compile(r"^(.*)\.(\d{3})$")
_SPLIT_ALPHA = re.compile(r"^(.*)\.([a-z]{2})$")
ERR_EWF_OPEN = "cannot open EWF image {path}: {error}"
EWF_HEADER_FIELDS = (
    "case_number",
    "description",
    "examiner_name",
    "evidence_number",
    "notes",
    "acquiry_date",
    "system_date",
    "acquiry_operating_system",
    "acquiry_software_version",
)


class Media(Protocol):
    size: int

    def read_at(self, offset: int, size: int) -> bytes: ...


@dataclass(frozen=True)
class MediaSpec:
    kind: str  # raw | split-raw | ewf | qcow2 | vmdk | vhd | vhdx
    segments: tuple[str, ...]


def split_segments(path: str) -> tuple[str, ...]:
    """``disk.000``/``disk.001``/``disk.aa``: every consecutive sibling segment, in order."""
    p = Path(path)
    m = _SPLIT.match(p.name)
    if m:
        base, first = m.group(1), m.group(2)
        start, width = int(first), len(first)
        segs = []
        n = start
        while (p.parent / f"{base}.{n:0{width}d}").is_file():
            segs.append(str(p.parent / f"{base}.{n:0{width}d}"))
            n += 1
        return tuple(segs) if len(segs) > 1 else (path,)
    m = _SPLIT_ALPHA.match(p.name)
    if m and m.group(2) == "aa":
        segs = []
        for a in "abcdefghijklmnopqrstuvwxyz":
            for b in "abcdefghijklmnopqrstuvwxyz":
                seg = p.parent / f"{m.group(1)}.{a}{b}"
                if not seg.is_file():
                    return tuple(segs) if len(segs) > 1 else (path,)
                segs.append(str(seg))
    return (path,)


def detect_media(path: str) -> MediaSpec:
    with open(path, "rb") as fh:
        head = fh.read(512)
        size = os.fstat(fh.fileno()).st_size
        tail = b""
        if size >= 512:
            fh.seek(size - 512)
            tail = fh.read(512)
    if head.startswith(EWF_MAGIC) or head.startswith(EWF2_MAGIC):
        import pyewf

        return MediaSpec("ewf", tuple(pyewf.glob(path)))
    if head.startswith(QCOW_MAGIC):
        return MediaSpec("qcow2", (path,))
    if head.startswith(VMDK_MAGIC) or head.startswith(b"# Disk DescriptorFile"):
        return MediaSpec("vmdk", (path,))
    if head.startswith(VHDX_MAGIC):
        return MediaSpec("vhdx", (path,))
    if head.startswith(VHD_COOKIE) or tail.startswith(VHD_COOKIE):
        return MediaSpec("vhd", (path,))
    segments = split_segments(path)
    return MediaSpec("split-raw" if len(segments) > 1 else "raw", segments)


class RawMedia:
    """One or more raw segments read as a single disk with ``os.pread``."""

    def __init__(self, segments: tuple[str, ...]) -> None:
        self._fds: list[tuple[int, int, int]] = []  # (fd, start offset, size)
        offset = 0
        for seg in segments:
            fd = os.open(seg, os.O_RDONLY)
            size = os.fstat(fd).st_size
            self._fds.append((fd, offset, size))
            offset += size
        self.size = offset

    def read_at(self, offset: int, size: int) -> bytes:
        out = bytearray()
        for fd, start, seg_size in self._fds:
            if size <= 0:
                break
            if offset >= start + seg_size or offset + size <= start:
                continue
            local = offset - start
            data = os.pread(fd, min(size, seg_size - local), local)
            out += data
            offset += len(data)
            size -= len(data)
        return bytes(out)


class EwfMedia:
    def __init__(self, segments: tuple[str, ...]) -> None:
        import pyewf

        self.handle = pyewf.handle()
        try:
            self.handle.open(list(segments))
        except OSError as exc:
            raise OSError(ERR_EWF_OPEN.format(path=segments[0], error=exc)) from exc
        self.size = int(self.handle.get_media_size())

    def read_at(self, offset: int, size: int) -> bytes:
        self.handle.seek(offset)
        return bytes(self.handle.read(size))

    def header_values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name in EWF_HEADER_FIELDS:
            try:
                value = self.handle.get_header_value(name)
            except (OSError, KeyError):
                value = None
            if value:
                out[name] = str(value)
        return out

    def stored_hash(self, name: str) -> str | None:
        try:
            value = self.handle.get_hash_value(name)
        except (OSError, KeyError):
            return None
        return str(value).lower() if value else None


class DfvfsMedia:
    """qcow2, vmdk, vhd and vhdx through dfvfs (libqcow, libvmdk, libvhdi)."""

    def __init__(self, kind: str, path: str) -> None:
        from dfvfs.lib import definitions
        from dfvfs.path import factory
        from dfvfs.resolver import resolver

        indicator = {
            "qcow2": definitions.TYPE_INDICATOR_QCOW,
            "vmdk": definitions.TYPE_INDICATOR_VMDK,
            "vhd": definitions.TYPE_INDICATOR_VHDI,
            "vhdx": definitions.TYPE_INDICATOR_VHDI,
        }[kind]
        os_spec = factory.Factory.NewPathSpec(definitions.TYPE_INDICATOR_OS, location=os.path.abspath(path))
        spec = factory.Factory.NewPathSpec(indicator, parent=os_spec)
        self._file: Any = resolver.Resolver.OpenFileObject(spec)
        self.size = int(self._file.get_size())

    def read_at(self, offset: int, size: int) -> bytes:
        self._file.seek(offset)
        return bytes(self._file.read(size))


def open_media(spec: MediaSpec) -> Media:
    if spec.kind in ("raw", "split-raw"):
        return RawMedia(spec.segments)
    if spec.kind == "ewf":
        return EwfMedia(spec.segments)
    return DfvfsMedia(spec.kind, spec.segments[0])


class TskImage(pytsk3.Img_Info):
    """Bridge from our ``Media`` to pytsk3 (external image type)."""

    def __init__(self, media: Media) -> None:
        self._media = media
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def close(self) -> None:
        return None

    def read(self, offset: int, size: int) -> bytes:
        return self._media.read_at(offset, size)

    def get_size(self) -> int:
        return self._media.size


def verify_ewf(segments: tuple[str, ...], chunk: int = 1 << 22) -> dict[str, Any]:
    """Recompute the media MD5 (and SHA-1 when one is stored) and compare with the acquisition hashes."""
    result: dict[str, Any] = {"stored_md5": None, "computed_md5": None, "verified": False}
    try:
        media = EwfMedia(segments)
    except OSError as exc:
        result["error"] = str(exc)
        return result
    stored_md5 = media.stored_hash("MD5")
    stored_sha1 = media.stored_hash("SHA1")
    md5 = hashlib.md5(usedforsecurity=False)
    sha1 = hashlib.sha1(usedforsecurity=False) if stored_sha1 else None
    offset = 0
    try:
        while offset < media.size:
            data = media.read_at(offset, min(chunk, media.size - offset))
            if not data:
                raise OSError(f"short read at offset {offset}")
            md5.update(data)
            if sha1 is not None:
                sha1.update(data)
            offset += len(data)
    except OSError as exc:
        result["error"] = f"media unreadable at offset {offset}: {exc}"
    result["stored_md5"] = stored_md5
    result["computed_md5"] = md5.hexdigest() if "error" not in result else None
    result["verified"] = bool(stored_md5) and stored_md5 == result["computed_md5"]
    if stored_sha1:
        result["stored_sha1"] = stored_sha1
        result["computed_sha1"] = sha1.hexdigest() if sha1 is not None and "error" not in result else None
        result["verified"] = result["verified"] and stored_sha1 == result["computed_sha1"]
    if not stored_md5:
        result["error"] = result.get("error") or "the image stores no acquisition MD5"
    result["bytes"] = offset
    return result
