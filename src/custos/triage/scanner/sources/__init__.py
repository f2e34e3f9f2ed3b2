"""Sources: a folder, or a disk image (raw, split raw, E01, qcow2/vmdk/vhd) with partitions and file systems.

The parent process lists files (``list_source``); each worker re-opens the source once (``Opener``) and reads
files by reference, so nothing unpicklable crosses process boundaries.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from typing import Any

import pytsk3

from .decmpfs import open_decmpfs
from .dfvfs_fs import open_serialised, walk_dfvfs
from .folder import walk_folder
from .media import MediaSpec, TskImage, detect_media, open_media, verify_ewf
from .refs import FileRef, SourceSpec, iso_utc
from .tsk import fs_type_name, list_volumes, open_fs, walk_fs

__all__ = [
    "FileRef",
    "Opener",
    "SourceListing",
    "SourceSpec",
    "detect_source",
    "iso_utc",
    "list_source",
    "verify_ewf",
]

ERR_SOURCE_MISSING = "source {path} does not exist"
ERR_NO_FILE_SYSTEM = "no file system that The Sleuth Kit can read"


def detect_source(path: str) -> SourceSpec:
    p = os.path.abspath(path)
    if os.path.isdir(p):
        return SourceSpec(p, "folder", ())
    if not os.path.isfile(p):
        raise FileNotFoundError(ERR_SOURCE_MISSING.format(path=path))
    media = detect_media(p)
    return SourceSpec(p, media.kind, tuple(os.path.abspath(s) for s in media.segments))


@dataclass
class SourceListing:
    refs: list[FileRef]
    volumes: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    media_size: int | None = None


class TskFile(io.RawIOBase):
    """A seekable, read-only file over a TSK file object (for hashing and for opening zip archives)."""

    def __init__(self, handle: Any, size: int, attr: tuple[int, int] | None = None) -> None:
        self._h = handle
        self._size = size
        self._pos = 0
        self._attr = attr  # (type, id) of a named stream; None reads the default data attribute

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), self._size - self._pos)
        if want <= 0:
            return 0
        if self._attr is None:
            data = self._h.read_random(self._pos, want)
        else:
            data = self._h.read_random(self._pos, want, *self._attr)
        if not data:
            raise OSError(f"unreadable data at offset {self._pos} of {self._size}")
        n = len(data)
        buffer[:n] = data
        self._pos += n
        return n


class DfvfsFile(io.RawIOBase):
    """A seekable reader over a dfvfs file object."""

    def __init__(self, handle: Any, size: int) -> None:
        self._h = handle
        self._size = size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._h.seek(offset, whence)
        return int(self._h.get_offset())

    def tell(self) -> int:
        return int(self._h.get_offset())

    def readinto(self, buffer: Any) -> int:
        data = self._h.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n


class Opener:
    """Per-process access to a source: opens the media once and each file system once."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self._img: Any = None
        self._fs: dict[int, Any] = {}

    def image(self) -> Any:
        if self._img is None:
            if self.spec.kind == "raw":  # native reads are faster than the Python bridge
                self._img = pytsk3.Img_Info(self.spec.segments[0])
            else:
                self._img = TskImage(open_media(MediaSpec(self.spec.kind, self.spec.segments)))
        return self._img

    def fs(self, offset: int) -> Any:
        if offset not in self._fs:
            self._fs[offset] = open_fs(self.image(), offset)
        return self._fs[offset]

    def open(self, ref: FileRef) -> io.RawIOBase | io.BufferedReader:
        """A binary reader over the file's content (large reads go straight through)."""
        if ref.os_path is not None:
            return open(ref.os_path, "rb", buffering=0)
        if ref.dfvfs_spec is not None:
            return io.BufferedReader(
                DfvfsFile(open_serialised(ref.dfvfs_spec), ref.size), buffer_size=1 << 16
            )
        assert ref.inode is not None
        if ref.decmpfs is not None:
            reader = open_decmpfs(self.fs(ref.volume_offset), ref.inode)
            return io.BufferedReader(reader, buffer_size=1 << 16)
        handle = self.fs(ref.volume_offset).open_meta(inode=ref.inode)
        attr = None if ref.attr_id is None or ref.attr_type is None else (ref.attr_type, ref.attr_id)
        return io.BufferedReader(TskFile(handle, ref.size, attr), buffer_size=1 << 16)

    def os_path(self, ref: FileRef) -> str | None:
        return ref.os_path


def list_source(spec: SourceSpec, *, use_dfvfs: bool = False) -> SourceListing:
    """Files of the source. Disk images go through TSK; dfvfs is the fallback when TSK reads no file system
    (``use_dfvfs`` forces it, for tests)."""
    if spec.kind == "folder":
        errors: list[dict[str, str]] = []
        refs = list(walk_folder(spec.path, errors))
        return SourceListing(refs=refs, errors=errors)
    opener = Opener(spec)
    listing = SourceListing(refs=[])
    img = opener.image()
    listing.media_size = int(img.get_size())
    volumes = list_volumes(img)
    opened: list[tuple[dict[str, Any], Any]] = []
    for vol in volumes:
        try:
            fs = opener.fs(int(vol["offset"]))
        except OSError as exc:
            vol["error"] = f"{ERR_NO_FILE_SYSTEM}: {str(exc).splitlines()[0]}"
            continue
        vol["file_system"] = fs_type_name(fs)
        opened.append((vol, fs))
    if not opened and volumes and volumes[0]["offset"] != 0:
        # A partition table TSK misread, or none: try a file system at the start of the disk.
        whole = {"index": 0, "offset": 0, "length": None, "description": "whole disk", "table": None}
        try:
            fs = opener.fs(0)
            whole["file_system"] = fs_type_name(fs)
            volumes.append(whole)
            opened.append((whole, fs))
        except OSError:
            pass
    if not opened or use_dfvfs:
        dfvfs_volumes, listing.refs = walk_dfvfs(spec.segments[0], listing.errors)
        listing.volumes = [*([] if use_dfvfs else volumes), *dfvfs_volumes]
        if spec.kind == "ewf":
            listing.metadata = open_media(MediaSpec(spec.kind, spec.segments)).header_values()  # type: ignore[attr-defined]
        return listing
    multiple = len(opened) > 1 or any(v.get("table") for v, _ in opened)
    for vol, fs in opened:
        prefix = f"p{vol['index']}:" if multiple else ""
        listing.refs.extend(walk_fs(fs, vol, prefix, listing.errors))
    listing.volumes = volumes
    if spec.kind == "ewf":
        media = open_media(MediaSpec(spec.kind, spec.segments))
        listing.metadata = media.header_values()  # type: ignore[attr-defined]
    return listing
