"""Partitions and file systems inside a disk image, through pytsk3 (The Sleuth Kit).

pytsk3 is used rather than dfvfs for the walk because dfvfs lists no deleted entries; TSK lists names
and orphan inodes marked unallocated, and reads their blocks where the file system has not reused them.
It covers ext2/3/4, NTFS, FAT, exFAT, HFS+ and ISO 9660.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytsk3

from .refs import FileRef, iso_utc

_ORPHANS = "$OrphanFiles"


def _enum_names(prefix: str) -> dict[int, str]:
    names: dict[int, str] = {}
    for attr in dir(pytsk3):
        value = getattr(pytsk3, attr)
        if attr.startswith(prefix) and isinstance(value, int) and not attr.endswith(("_DETECT", "_ENUM")):
            names.setdefault(value, attr.removeprefix(prefix).lower())
    return names


_FS_NAMES = _enum_names("TSK_FS_TYPE_")
_VS_NAMES = _enum_names("TSK_VS_TYPE_")


def list_volumes(img: Any) -> list[dict[str, Any]]:
    """Allocated partitions (MBR, GPT, ...) with byte offsets; one whole-disk volume if there is no table."""
    volumes: list[dict[str, Any]] = []
    try:
        vs = pytsk3.Volume_Info(img)
    except OSError:
        return [{"index": 0, "offset": 0, "length": None, "description": "whole disk", "table": None}]
    block = int(vs.info.block_size)
    table = _VS_NAMES.get(int(vs.info.vstype), str(vs.info.vstype))
    for part in vs:
        if int(part.flags) != pytsk3.TSK_VS_PART_FLAG_ALLOC:
            continue
        volumes.append(
            {
                "index": len(volumes) + 1,
                "offset": int(part.start) * block,
                "length": int(part.len) * block,
                "description": part.desc.decode("utf-8", "replace"),
                "table": table,
            }
        )
    return volumes


def open_fs(img: Any, offset: int) -> Any:
    return pytsk3.FS_Info(img, offset=offset)


def fs_type_name(fs: Any) -> str:
    return _FS_NAMES.get(int(fs.info.ftype), str(fs.info.ftype))


def _timestamps(meta: Any) -> dict[str, str | None]:
    def ts(name: str) -> str | None:
        return iso_utc(getattr(meta, name, 0), getattr(meta, f"{name}_nano", 0) or 0)

    return {"modified": ts("mtime"), "accessed": ts("atime"), "changed": ts("ctime"), "born": ts("crtime")}


def walk_fs(fs: Any, volume: dict[str, Any], prefix: str, errors: list[dict[str, str]]) -> Iterator[FileRef]:
    """Regular files, allocated and deleted, with $OrphanFiles last (deleted inodes with no name left)."""
    emitted: set[int] = set()
    seen_dirs: set[int] = set()
    root = int(fs.info.root_inum)
    orphan_dirs: list[tuple[int, str]] = []
    stack: list[tuple[int, str, bool]] = [(root, "", False)]
    while stack or orphan_dirs:
        if not stack:
            stack.append((*orphan_dirs.pop(), True))
        inode, dir_path, dir_deleted = stack.pop()
        if inode in seen_dirs:
            continue
        seen_dirs.add(inode)
        try:
            directory = fs.open_dir(inode=inode)
        except OSError as exc:
            errors.append({"path": f"{prefix}{dir_path or '/'}", "error": f"cannot read directory: {exc}"})
            continue
        subdirs: list[tuple[int, str, bool]] = []
        for entry in directory:
            name = entry.info.name.name.decode("utf-8", "replace")
            meta = entry.info.meta
            if name in (".", "..") or meta is None:
                continue
            path = f"{dir_path}/{name}"
            name_unalloc = bool(int(entry.info.name.flags) & pytsk3.TSK_FS_NAME_FLAG_UNALLOC)
            meta_unalloc = bool(int(meta.flags) & pytsk3.TSK_FS_META_FLAG_UNALLOC)
            deleted = dir_deleted or name_unalloc or meta_unalloc
            mtype = int(meta.type)
            addr = int(meta.addr)
            if name == _ORPHANS and mtype == pytsk3.TSK_FS_META_TYPE_VIRT_DIR:
                orphan_dirs.append((addr, path))
                continue
            if mtype == pytsk3.TSK_FS_META_TYPE_DIR:
                subdirs.append((addr, path, deleted))
                continue
            if mtype != pytsk3.TSK_FS_META_TYPE_REG:
                continue  # links, devices, and TSK's virtual files ($MBR, $FAT1)
            if deleted and addr in emitted:
                continue  # a deleted inode already listed under its old name
            emitted.add(addr)
            # Name deleted but inode re-used: the blocks belong to another file now.
            realloc = name_unalloc and not meta_unalloc and not dir_deleted
            yield FileRef(
                key=f"v{volume['index']}:{addr}:{int(deleted)}:{path}",
                path=f"{prefix}{path}",
                size=int(meta.size),
                deleted=deleted,
                volume=int(volume["index"]),
                volume_offset=int(volume["offset"]),
                inode=addr,
                timestamps=_timestamps(meta),
                note="name deleted and inode reallocated to another file" if realloc else None,
            )
        stack.extend(reversed(subdirs))
