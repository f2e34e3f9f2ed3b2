"""Work done in each pool process: read a file once, hash it, sniff its type, PDQ/vPDQ it, open zips.

Memory per worker is bounded: one 64 KiB read buffer, plus the bytes of at most one image no larger than
``triage.max_image_bytes`` (kept only once the first chunk shows an image signature). Files of a folder
source of ``MMAP_MIN_BYTES`` or more are hashed through a read-only ``mmap`` instead: the kernel pages them
in and out as the hash walks them (never the whole file in memory at once), and the copy ``read()`` makes
into the buffer is saved (about 7 % of a large file's hashing time).

The PDQ (numpy, Pillow, pillow-heif) and vPDQ modules are imported on first use, so a hash-only scan's
workers start in a few tens of milliseconds: their start-up is on the scan's wall clock.
"""

from __future__ import annotations

import mmap
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import filetype
from .hashing import CHUNK_BYTES, MultiHasher
from .sources import FileRef, Opener, SourceSpec, iso_utc

# Below this a plain read costs less than setting up and tearing down a mapping.
MMAP_MIN_BYTES = 1 << 20


@dataclass(frozen=True)
class WorkerOptions:
    pdq: bool = True
    video: bool = True
    archives: bool = True
    min_quality: int = 50
    min_side: int = 5
    max_image_bytes: int = 64 << 20
    vpdq_seconds_per_hash: float = 1.0
    zip_max_members: int = 10000
    decode_max_side: int | None = None
    jpeg_decode_min_side: int = 0
    # Off after a worker died: a page of a mapping that cannot be read (failing media, a file truncated
    # while mapped) kills the process with SIGBUS, where read() would have reported an error for one file.
    use_mmap: bool = True


_opener: Opener | None = None
_options = WorkerOptions()
_buffer: memoryview | None = None


def init_worker(spec: SourceSpec, options: WorkerOptions) -> None:
    global _opener, _options
    _opener = Opener(spec)
    _options = options


def process_batch(refs: list[FileRef]) -> tuple[list[dict[str, Any]], int]:
    """Records for every ref (zip members follow their archive) and the bytes read."""
    out: list[dict[str, Any]] = []
    nbytes = 0
    for ref in refs:
        records = process_ref(ref)
        nbytes += ref.size
        out.extend(records)
    return out, nbytes


def base_record(ref: FileRef) -> dict[str, Any]:
    return {
        "key": ref.key,
        "path": ref.path,
        "size": ref.size,
        "deleted": ref.deleted,
        "volume": ref.volume,
        "inode": ref.inode,
        "stream": ref.stream,
        "timestamps": dict(ref.timestamps),
        "type": None,
        "mime": None,
        "kind": None,
        "extension_mismatch": False,
        "md5": None,
        "sha1": None,
        "sha256": None,
        "pdq": None,
        "pdq_quality": None,
        "errors": [],
    }


def _read_buffered(hasher: MultiHasher, readinto: Callable[[memoryview], int | None], limit: int) -> None:
    """As ``_read_into`` for a raw file, through one reused buffer (no new bytes object per chunk)."""
    global _buffer
    if _buffer is None:
        _buffer = memoryview(bytearray(CHUNK_BYTES))
    view = _buffer
    n = readinto(view) or 0
    kind = filetype.sniff(bytes(view[: min(n, 512)])).kind
    hasher.set_keep(limit if kind == "image" else 0)
    while n:
        hasher.update(view[:n])
        n = readinto(view) or 0


def _read_mapped(hasher: MultiHasher, fileno: int, size: int, limit: int) -> None:
    """Hash a mapped file in ``CHUNK_BYTES`` slices (each slice stays in L2 across the three digests)."""
    with mmap.mmap(fileno, size, access=mmap.ACCESS_READ) as mapped:
        mapped.madvise(mmap.MADV_SEQUENTIAL)  # read ahead, and drop pages behind the hash
        view = memoryview(mapped)
        try:
            kind = filetype.sniff(bytes(view[:512])).kind
            hasher.set_keep(limit if kind == "image" else 0)
            for offset in range(0, size, CHUNK_BYTES):
                hasher.update(view[offset : offset + CHUNK_BYTES])
        finally:
            view.release()


def _hash_os_file(hasher: MultiHasher, path: str, limit: int) -> None:
    with open(path, "rb", buffering=0) as fh:
        size = os.fstat(fh.fileno()).st_size
        if _options.use_mmap and size >= MMAP_MIN_BYTES:
            _read_mapped(hasher, fh.fileno(), size, limit)
        else:
            _read_buffered(hasher, fh.readinto, limit)


def _read_into(hasher: MultiHasher, read: Callable[[int], bytes], limit: int) -> None:
    """Hash the stream; keep the bytes only if the first chunk says it is an image within ``limit``."""
    first = read(CHUNK_BYTES)
    kind = filetype.sniff(first[:512]).kind
    hasher.set_keep(limit if kind == "image" else 0)
    if first:
        hasher.update(first)
        while True:
            data = read(CHUNK_BYTES)
            if not data:
                break
            hasher.update(data)


def _finish(record: dict[str, Any], hasher: MultiHasher, name: str) -> filetype.FileType:
    digests = hasher.digests()
    record.update(md5=digests.md5, sha1=digests.sha1, sha256=digests.sha256)
    if digests.size != record["size"]:
        record["errors"].append(f"read {digests.size} bytes, size recorded as {record['size']}")
        record["size"] = digests.size
    ftype = filetype.sniff(hasher.head)
    record.update(
        type=ftype.name,
        mime=ftype.mime,
        kind=ftype.kind,
        extension_mismatch=filetype.is_mismatch(ftype, name),
    )
    if ftype.kind == "image" and _options.pdq:
        data = hasher.kept
        if data is None:
            record["pdq_unmatchable_reason"] = "image larger than triage.max_image_bytes: not decoded"
        else:
            _add_pdq(record, data)
    return ftype


def _add_pdq(record: dict[str, Any], data: bytes) -> None:
    from .pdq import hash_image_bytes

    res = hash_image_bytes(
        data,
        min_quality=_options.min_quality,
        min_side=_options.min_side,
        decode_max_side=_options.decode_max_side,
        jpeg_decode_min_side=_options.jpeg_decode_min_side,
    )
    if res.error:
        record["errors"].append(res.error)
        record["pdq_matchable"] = False
        return
    record.update(
        pdq=res.pdq,
        pdq_quality=res.quality,
        pdq_dihedral=res.dihedral,
        pdq_matchable=res.matchable,
        pdq_unmatchable_reason=res.unmatchable_reason,
        image={
            "width": res.width,
            "height": res.height,
            "mode": res.mode,
            "exif_orientation": res.orientation,
        },
    )


def _add_video(record: dict[str, Any], path: str) -> None:
    from .video import hash_video

    try:
        record["vpdq"] = hash_video(path, seconds_per_hash=_options.vpdq_seconds_per_hash)
    except Exception as exc:
        record["errors"].append(f"video could not be decoded: {exc}")


def _copy_to_temp(reader: Any) -> str:
    fd, tmp = tempfile.mkstemp(prefix="custos-triage-", suffix=".bin")
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(reader, out, CHUNK_BYTES)
    return tmp


def process_ref(ref: FileRef) -> list[dict[str, Any]]:
    assert _opener is not None, "init_worker() was not called"
    record = base_record(ref)
    if ref.note:
        record["errors"].append(ref.note)
        return [record]
    hasher = MultiHasher()
    try:
        if ref.os_path is not None:
            _hash_os_file(hasher, ref.os_path, _options.max_image_bytes)
        else:
            with _opener.open(ref) as fh:
                _read_into(hasher, fh.read, _options.max_image_bytes)
    except OSError as exc:
        record["errors"].append(f"read error: {exc}")
        return [record]
    # A stream's own name carries the extension that counts (``notes.txt:holiday.jpg``).
    ftype = _finish(record, hasher, ref.stream or ref.path)
    hasher = MultiHasher()  # release kept image bytes before any video/archive work
    children: list[dict[str, Any]] = []
    if ftype.kind == "video" and _options.video and record["size"]:
        if ref.os_path is not None:
            _add_video(record, ref.os_path)
        else:
            with _opener.open(ref) as fh:
                tmp = _copy_to_temp(fh)
            try:
                _add_video(record, tmp)
            finally:
                os.unlink(tmp)
    elif ftype.name == "zip" and _options.archives:
        try:
            with _opener.open(ref) as raw, zipfile.ZipFile(raw) as zf:
                children = _zip_members(ref, zf, record)
        except (OSError, zipfile.BadZipFile, ValueError) as exc:
            record["errors"].append(f"archive could not be opened: {exc}")
    return [*children, record]


def _zip_members(ref: FileRef, zf: zipfile.ZipFile, parent: dict[str, Any]) -> list[dict[str, Any]]:
    """Members one level deep: an archive inside the archive is hashed but not opened."""
    out: list[dict[str, Any]] = []
    members = [i for i in zf.infolist() if not i.is_dir()]
    if len(members) > _options.zip_max_members:
        parent["errors"].append(
            f"archive has {len(members)} members; only the first {_options.zip_max_members} opened"
        )
    for info in members[: _options.zip_max_members]:
        rec = base_record(ref)
        rec.update(
            key=f"{ref.key}!/{info.filename}",
            path=f"{ref.path}!/{info.filename}",
            size=info.file_size,
            inode=None,
            container=ref.path,
            parent_key=ref.key,
            timestamps={
                "modified": _zip_time(info.date_time),
                "accessed": None,
                "changed": None,
                "born": None,
            },
        )
        hasher = MultiHasher()
        try:
            if info.flag_bits & 0x1:
                raise ValueError("member is encrypted")
            with zf.open(info) as member:
                _read_into(hasher, member.read, _options.max_image_bytes)
        except (OSError, zipfile.BadZipFile, ValueError, NotImplementedError, EOFError) as exc:
            rec["errors"].append(f"archive member unreadable: {exc}")
            out.append(rec)
            continue
        ftype = _finish(rec, hasher, info.filename)
        if ftype.kind == "video" and _options.video and rec["size"]:
            with zf.open(info) as member:
                tmp = _copy_to_temp(member)
            try:
                _add_video(rec, tmp)
            finally:
                os.unlink(tmp)
        out.append(rec)
    return out


def _zip_time(dt: tuple[int, int, int, int, int, int]) -> str | None:
    from datetime import UTC, datetime

    try:
        # Zip times are local wall-clock with no zone; shown as recorded, marked as UTC-naive by convention.
        return iso_utc(datetime(*dt, tzinfo=UTC).timestamp())
    except ValueError:
        return None


def read_bytes_for_thumbnail(ref: FileRef, member: str | None, limit: int) -> bytes | None:
    """The content of a small image again, for an HTML thumbnail (parent process only)."""
    assert _opener is not None
    try:
        with _opener.open(ref) as fh:
            if member is None:
                data = fh.read(limit + 1)
            else:
                with zipfile.ZipFile(fh) as zf, zf.open(member) as m:
                    data = m.read(limit + 1)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return None
    return data if data is not None and len(data) <= limit else None


__all__ = [
    "WorkerOptions",
    "init_worker",
    "process_batch",
    "process_ref",
    "read_bytes_for_thumbnail",
]
