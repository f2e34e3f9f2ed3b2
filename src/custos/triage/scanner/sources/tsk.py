"""Partitions and file systems inside a disk image, through pytsk3 (The Sleuth Kit).

pytsk3 is used rather than dfvfs for the walk because dfvfs lists no deleted entries; TSK lists names
and orphan inodes marked unallocated, and reads their blocks where the file system has not reused them.
It covers ext2/3/4, NTFS, FAT, exFAT, HFS+ and ISO 9660 (docs/triage-scanner.md lists which are tested).
NTFS alternate data streams (named ``$DATA`` attributes) are listed as entries of their own, ``file:stream``;
so are HFS+ resource forks (TSK's ``HFS_RSRC`` attribute), stream ``rsrc``, path ``file/..namedfork/rsrc`` as
macOS itself names a fork. HFS+ compressed files (decmpfs: zlib, types 3 and 4, which TSK cannot inflate in
this build, and LZVN, types 7 and 8, whose damaged units TSK reads as if whole) are decoded by ``decmpfs``;
a resource fork that holds a file's compressed content is that content, not a hidden stream, and is not
listed.

File-system metadata that TSK presents as regular files (NTFS ``$MFT``/``$LogFile``..., FAT and exFAT volume
labels, the exFAT allocation bitmap and up-case table, the HFS+ special files) is not user content and is
left out of the listing; every rule for that is narrow enough that a user's file can never be skipped by it
(see ``_is_fs_metadata``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytsk3

from .decmpfs import (
    DECMPFS_IN_RESOURCE_FORK,
    DECMPFS_READ_BY_SCANNER,
    ERR_DECMPFS_TYPE,
    find_decmpfs,
)
from .refs import FileRef, iso_utc

_ORPHANS = "$OrphanFiles"
# NTFS reserves MFT records 0-23 for itself ($MFT ... $UpCase, spares); $Extend (record 11) holds the rest.
_NTFS_RESERVED_RECORDS = 24
_NTFS_EXTEND = 11
_VOLUME_LABEL_SUFFIX = " (Volume Label Entry)"  # how TSK names FAT/exFAT volume-label directory entries
_EXFAT_METADATA = frozenset({"$ALLOC_BITMAP", "$UPCASE_TABLE", "$VOLUME_GUID", "$TEXFAT"})
# HFS+ catalog node IDs below 16 are Apple's own ($ExtentsFile, $CatalogFile, ... that TSK lists in the root).
_HFS_FIRST_USER_ID = 16


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


def _is_fs_metadata(fs_type: str, dir_inode: int, root: int, name: str, meta: Any) -> bool:
    """True for TSK's view of the file system's own structures (never for a user's file)."""
    if fs_type == "ntfs":
        # A user file can never occupy a reserved MFT record, nor be created inside $Extend.
        return int(meta.addr) < _NTFS_RESERVED_RECORDS or dir_inode == _NTFS_EXTEND
    if fs_type == "hfs":
        # TN1150 reserves IDs 1-15; every user file or folder gets 16 or above.
        return int(meta.addr) < _HFS_FIRST_USER_ID
    if fs_type.startswith("fat") or fs_type == "exfat":
        if name.endswith(_VOLUME_LABEL_SUFFIX) and int(meta.size) == 0:
            return True  # a label entry has no content
        # TSK gives these special root entries no timestamps; a user's file of the same name always has them.
        return (
            fs_type == "exfat"
            and dir_inode == root
            and name in _EXFAT_METADATA
            and not any(getattr(meta, t, 0) for t in ("mtime", "atime", "crtime"))
        )
    return False


def _deleted_meta(fs: Any, fs_type: str, name_info: Any) -> Any:
    """The metadata of a deleted name whose metadata TSK did not load with the directory entry.

    pytsk3 lists directories with ``tsk_fs_dir_get``, which drops the metadata of a deleted NTFS name whenever
    the MFT record's sequence number differs from the one in the name. Windows increments the sequence
    number when it frees a record, so every properly deleted NTFS file arrives here without metadata
    (``fls`` shows them: ``tsk_fs_dir_walk`` adjusts the sequence). The record is taken when it is still
    unallocated and its sequence is the name's or one more (freed once, never reused).
    """
    addr = int(name_info.meta_addr)
    if fs_type != "ntfs" or not addr or not int(name_info.flags) & pytsk3.TSK_FS_NAME_FLAG_UNALLOC:
        return None
    try:
        meta = fs.open_meta(inode=addr).info.meta
    except OSError:
        return None
    if meta is None or not int(meta.flags) & pytsk3.TSK_FS_META_FLAG_UNALLOC:
        return None
    if int(meta.seq) - int(name_info.meta_seq) not in (0, 1):
        return None  # the record was reused by another file since this name pointed at it
    return meta


HFS_RESOURCE_FORK = "rsrc"
ERR_STREAMS = "cannot list alternate data streams: {exc}"
ERR_RESOURCE_FORK = "cannot read the resource fork: {exc}"


def _named_streams(handle: Any) -> list[tuple[str, int, int, int]]:
    """``(name, type, id, size)`` of every named ``$DATA`` attribute (alternate data stream).

    An NTFS file or folder can carry any number of named streams beside its unnamed ``$DATA``; Explorer
    shows none of them and the file's size ignores them, which makes them a classic hiding place.
    """
    streams: list[tuple[str, int, int, int]] = []
    for attr in handle:
        info = attr.info
        if int(info.type) == pytsk3.TSK_FS_ATTR_TYPE_NTFS_DATA and info.name:
            name = info.name.decode("utf-8", "replace") if isinstance(info.name, bytes) else str(info.name)
            streams.append((name, int(info.type), int(info.id), int(info.size)))
    return streams


def _resource_fork(handle: Any) -> list[tuple[str, int, int, int]]:
    """The HFS+ resource fork, when the file has a non-empty one, as a stream named ``rsrc``.

    Every HFS+ file has a data fork and a resource fork; Finder shows neither the fork nor its size, and a
    copy to a non-Mac file system drops it, so anything stored there is hidden from a casual look.
    """
    for attr in handle:
        info = attr.info
        if int(info.type) == pytsk3.TSK_FS_ATTR_TYPE_HFS_RSRC and int(info.size) > 0:
            return [(HFS_RESOURCE_FORK, int(info.type), int(info.id), int(info.size))]
    return []


def _stream_refs(
    handle: Any, base: FileRef, path: str, errors: list[dict[str, str]], prefix: str, fs_type: str = "ntfs"
) -> Iterator[FileRef]:
    """One reference per alternate data stream (path ``file:stream``) or resource fork (path
    ``file/..namedfork/rsrc``), sharing the file's inode and times."""
    hfs = fs_type == "hfs"
    try:
        streams = _resource_fork(handle) if hfs else _named_streams(handle)
    except OSError as exc:
        message = ERR_RESOURCE_FORK if hfs else ERR_STREAMS
        errors.append({"path": f"{prefix}{path}", "error": message.format(exc=exc)})
        return
    for name, attr_type, attr_id, size in streams:
        yield FileRef(
            key=f"{base.key}:{name}",
            path=f"{prefix}{path}/..namedfork/{name}" if hfs else f"{prefix}{path}:{name}",
            size=size,
            deleted=base.deleted,
            volume=base.volume,
            volume_offset=base.volume_offset,
            inode=base.inode,
            timestamps=base.timestamps,
            note=base.note,
            stream=name,
            attr_type=attr_type,
            attr_id=attr_id,
        )


def _hfs_compression(fs: Any, addr: int, size: int) -> tuple[int | None, int, str | None]:
    """(decmpfs type, uncompressed size, reason it cannot be read) of an HFS+ file marked compressed.

    A file marked compressed without a ``com.apple.decmpfs`` attribute is read as it is, as macOS reads it.
    """
    try:
        record = find_decmpfs(fs, addr)
    except OSError as exc:
        return None, size, str(exc)
    if record is None:
        return None, size, None
    if record.kind in DECMPFS_READ_BY_SCANNER:
        return record.kind, record.size, None
    return record.kind, record.size, ERR_DECMPFS_TYPE.format(kind=record.kind)


def _timestamps(meta: Any) -> dict[str, str | None]:
    def ts(name: str) -> str | None:
        return iso_utc(getattr(meta, name, 0), getattr(meta, f"{name}_nano", 0) or 0)

    return {"modified": ts("mtime"), "accessed": ts("atime"), "changed": ts("ctime"), "born": ts("crtime")}


def walk_fs(fs: Any, volume: dict[str, Any], prefix: str, errors: list[dict[str, str]]) -> Iterator[FileRef]:
    """Regular files, allocated and deleted, with $OrphanFiles last (deleted inodes with no name left)."""
    emitted: set[int] = set()
    fs_type = fs_type_name(fs)
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
        if fs_type == "ntfs":
            # The folder's own streams (the root's too: record 5 is reserved but its streams are the user's).
            try:
                folder = fs.open_meta(inode=inode)
            except OSError:
                folder = None
            if folder is not None and folder.info.meta is not None:
                base = FileRef(
                    key=f"v{volume['index']}:{inode}:{int(dir_deleted)}:{dir_path or '/'}",
                    path="",
                    size=0,
                    deleted=dir_deleted,
                    volume=int(volume["index"]),
                    volume_offset=int(volume["offset"]),
                    inode=inode,
                    timestamps=_timestamps(folder.info.meta),
                )
                yield from _stream_refs(folder, base, dir_path or "/", errors, prefix)
        subdirs: list[tuple[int, str, bool]] = []
        for entry in directory:
            name = entry.info.name.name.decode("utf-8", "replace")
            if name in (".", ".."):
                continue
            meta = entry.info.meta or _deleted_meta(fs, fs_type, entry.info.name)
            if meta is None or _is_fs_metadata(fs_type, inode, root, name, meta):
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
            size, compression = int(meta.size), None
            note = "name deleted and inode reallocated to another file" if realloc else None
            if fs_type == "hfs" and int(meta.flags) & pytsk3.TSK_FS_META_FLAG_COMP:
                compression, size, unreadable = _hfs_compression(fs, addr, size)
                note = note or unreadable
            ref = FileRef(
                key=f"v{volume['index']}:{addr}:{int(deleted)}:{path}",
                path=f"{prefix}{path}",
                size=size,
                deleted=deleted,
                volume=int(volume["index"]),
                volume_offset=int(volume["offset"]),
                inode=addr,
                timestamps=_timestamps(meta),
                note=note,
                decmpfs=compression if compression in DECMPFS_READ_BY_SCANNER else None,
            )
            yield ref
            if compression in DECMPFS_IN_RESOURCE_FORK:
                continue  # the fork is the file's compressed content, reported above
            if fs_type in ("ntfs", "hfs"):
                try:
                    handle = entry if entry.info.meta is not None else fs.open_meta(inode=addr)
                except OSError as exc:
                    message = ERR_RESOURCE_FORK if fs_type == "hfs" else ERR_STREAMS
                    errors.append({"path": ref.path, "error": message.format(exc=exc)})
                    continue
                yield from _stream_refs(handle, ref, path, errors, prefix, fs_type)
        stack.extend(reversed(subdirs))
