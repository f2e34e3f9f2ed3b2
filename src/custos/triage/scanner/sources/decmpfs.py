"""HFS+ compressed files (decmpfs), decoded by the scanner: this build of The Sleuth Kit cannot inflate zlib,
and it reads a damaged LZVN unit short without an error.

macOS compresses files transparently (AppleFSCompression: ``ditto --hfsCompression``, installers, most of a
system volume before APFS). Such a file's data fork is empty; its catalog record carries ``UF_COMPRESSED``
in the BSD owner flags (TSK's ``TSK_FS_META_FLAG_COMP``); and its extended attribute ``com.apple.decmpfs``,
in the attributes B-tree, starts with a little-endian header (magic ``fpmc``, compression type, uncompressed
size). Type 3 keeps the zlib data in the attribute after the header; type 4 keeps it in the resource fork, as
a resource whose data begins with a little-endian table of ``(offset, length)`` per 64 KiB unit. A unit
whose first byte has 0xF as its low nibble is stored, not compressed (the bytes follow that byte). Types 7
and 8 are the same with LZVN, except that the type-8 resource fork has no resource header: it starts with
a little-endian table of the units' offsets and of their end (the first offset is the table's size). An
LZVN unit whose first byte is 0x06 (end-of-stream) is stored.

TSK inflates zlib only when built with zlib, and the pytsk3 wheel is not (the library has no ``inflate``):
a type-3 file fails to load its attributes (TSK gives it size 0 and reading it fails with "corrupt data"), and
a type-4 file gets a compressed data attribute with no read function. TSK decodes valid LZVN, but does not
check a type-8 unit's decoded length ("apparently this can't fail"): a read of a unit damaged halfway stops
where its decoder gave up, and reading on from there gives the next unit's bytes at the wrong offset, so the
file reads to its full size, shifted, with no error and a wrong hash.
Reading the record and the units here (Python's zlib, ``lzvn.lzvn_decode``), each unit checked for its full
length, gives the examiner the file's real content, or an error naming the unit that cannot be read.

Type-8 units are decoded by TSK all the same, one unit per read at the unit's own offset, which is fast (C)
and safe under two guards: a read that gives fewer bytes than the unit holds is never used (Apple's decoder
stops short at an undefined opcode, a bad distance or the end of the stream), and a unit whose first
copying opcode carries no distance of its own is left to ``lzvn_decode`` (Apple's decoder checks every
distance an opcode sets, but a match at the previous distance before any is set copies from distance 0,
with no error). Whatever TSK does not give whole is decoded by ``lzvn_decode``, which names the damage.
libfshfs is not used: its LZVN decoder (libfmos) checks no distance against 0, so a zeroed run in a unit
decodes to a full unit of garbage, and after a failed unit it may return a previous unit wrong (tested).
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pytsk3

from .lzvn import LZVN_SETS_DISTANCE, LzvnError, lzvn_decode, lzvn_first_copy

DECMPFS_ZLIB_ATTR, DECMPFS_ZLIB_RSRC = 3, 4
DECMPFS_LZVN_ATTR, DECMPFS_LZVN_RSRC = 7, 8
# Types the scanner decodes (zlib and LZVN, inline and in the resource fork).
DECMPFS_READ_BY_SCANNER = frozenset(
    {DECMPFS_ZLIB_ATTR, DECMPFS_ZLIB_RSRC, DECMPFS_LZVN_ATTR, DECMPFS_LZVN_RSRC}
)
_INLINE = frozenset({DECMPFS_ZLIB_ATTR, DECMPFS_LZVN_ATTR})
_LZVN = frozenset({DECMPFS_LZVN_ATTR, DECMPFS_LZVN_RSRC})
_LZVN_STORED = 0x06
# Types that keep the compressed data in the resource fork (zlib, LZVN, stored, LZFSE).
DECMPFS_IN_RESOURCE_FORK = frozenset({4, 8, 10, 12})
HFS_ATTRIBUTES_FILE = 8  # catalog node ID of the attributes B-tree
_ATTRIBUTE_NAME = "com.apple.decmpfs".encode("utf-16-be")
_MAGIC = b"fpmc"
_HEADER = struct.Struct("<4sIQ")
_UNIT = 64 << 10
_INLINE_DATA = 0x10  # kHFSPlusAttrInlineData
_LEAF, _INDEX = -1, 0
_MAX_NODES_VISITED = 4096  # a cycle in a damaged B-tree must end the search, not hang the scan

ERR_DECMPFS_TYPE = (
    "HFS+ compressed file (decmpfs type {kind}) cannot be read: the scanner decodes zlib (types 3 and 4) "
    "and LZVN (types 7 and 8)"
)
ERR_DECMPFS_RECORD = "HFS+ compressed file: com.apple.decmpfs attribute unreadable: {reason}"
ERR_DECMPFS_UNIT = "HFS+ compressed file: unit {index} unreadable: {reason}"


class DecmpfsError(OSError):
    """The compression record or a compressed unit cannot be read."""


@dataclass(frozen=True)
class Decmpfs:
    kind: int  # compression type
    size: int  # uncompressed size
    inline: bytes  # what follows the header in the attribute (types 3 and 7: the compressed data)


def _node(attributes: Any, number: int, size: int) -> tuple[int, int, list[bytes]]:
    """(kind, forward link, records) of one B-tree node; each record runs to the next record's offset."""
    data = attributes.read_random(number * size, size)
    if len(data) != size:
        raise DecmpfsError(f"attributes B-tree node {number} is truncated")
    flink, kind, count = struct.unpack_from(">I4xbxH", data)
    table = size - 2 * (count + 1)  # record offsets, and the free space's, from the end of the node
    ends = (
        [struct.unpack_from(">H", data, size - 2 * (i + 1))[0] for i in range(count + 1)]
        if table > 14
        else []
    )
    if not ends or any(not 14 <= a <= b <= table for a, b in pairwise(ends)):
        raise DecmpfsError(f"attributes B-tree node {number} has bad record offsets")
    return kind, flink, [data[a:b] for a, b in pairwise(ends)]


def _key(record: bytes) -> tuple[int, bytes, int]:
    """(file ID, name, start of data) of an attributes B-tree record (TN1150 HFSPlusAttrKey)."""
    if len(record) < 14:
        raise DecmpfsError("attributes B-tree record too short for its key")
    length, _, cnid, _, chars = struct.unpack_from(">HHIIH", record)
    name = record[14 : 14 + 2 * chars]
    start = 2 + length + length % 2  # the data starts on an even offset
    if start + 4 > len(record):
        raise DecmpfsError("attributes B-tree record too short for its data")
    return cnid, name, start


def _child(record: bytes) -> int:
    _, _, start = _key(record)
    return int(struct.unpack_from(">I", record, start)[0])


def find_decmpfs(fs: Any, cnid: int) -> Decmpfs | None:
    """The compression record of file ``cnid``, or None when it has none.

    The search descends by file ID only, as TSK does (attribute names are compared by Apple in an order of
    its own): in each index node the child of the last record for a smaller file ID (or the first record for
    this one), then along the leaves until the file ID is past ``cnid``.
    """
    attributes = fs.open_meta(inode=HFS_ATTRIBUTES_FILE)
    header = attributes.read_random(0, 14 + 106)
    if len(header) < 14 + 106:
        raise DecmpfsError("attributes B-tree header is truncated")
    node, size = struct.unpack_from(">I", header, 16)[0], struct.unpack_from(">H", header, 32)[0]
    if size < 512:
        raise DecmpfsError(f"attributes B-tree node size {size} is too small")
    seen: set[int] = set()
    while node and node not in seen and len(seen) < _MAX_NODES_VISITED:
        seen.add(node)
        kind, flink, records = _node(attributes, node, size)
        if kind == _INDEX:
            below = [r for i, r in enumerate(records) if _key(r)[0] < cnid or (i == 0 and _key(r)[0] == cnid)]
            if not below:
                return None
            node = _child(below[-1])
            continue
        if kind != _LEAF:
            raise DecmpfsError(f"attributes B-tree node {node} is neither index nor leaf")
        for record in records:
            owner, name, start = _key(record)
            if owner > cnid:
                return None
            if owner == cnid and name == _ATTRIBUTE_NAME:
                return _parse_record(record[start:])
        node = flink  # the next leaf: this file's attributes may continue there
    return None


def _parse_record(data: bytes) -> Decmpfs:
    if len(data) < 16:
        raise DecmpfsError(ERR_DECMPFS_RECORD.format(reason="record truncated"))
    kind, length = struct.unpack_from(">I8xI", data)
    if kind != _INLINE_DATA:
        raise DecmpfsError(ERR_DECMPFS_RECORD.format(reason=f"record type {kind:#x}, not inline data"))
    value = data[16 : 16 + length]
    if len(value) < _HEADER.size or value[:4] != _MAGIC:
        raise DecmpfsError(ERR_DECMPFS_RECORD.format(reason="no decmpfs header"))
    _, compression, size = _HEADER.unpack_from(value)
    return Decmpfs(kind=compression, size=size, inline=value[_HEADER.size :])


def _decode(kind: int, unit: bytes, expected: int, index: int) -> bytes:
    """One unit's ``expected`` bytes: stored after a marker byte, or a zlib or LZVN stream."""
    if not unit:
        raise DecmpfsError(ERR_DECMPFS_UNIT.format(index=index, reason="empty"))
    lzvn = kind in _LZVN
    if (unit[0] == _LZVN_STORED) if lzvn else (unit[0] & 0x0F == 0x0F):
        data = unit[1 : 1 + expected]
    else:
        try:
            data = lzvn_decode(unit, expected) if lzvn else zlib.decompressobj().decompress(unit, expected)
        except (zlib.error, LzvnError) as exc:
            raise DecmpfsError(ERR_DECMPFS_UNIT.format(index=index, reason=exc)) from exc
    if len(data) != expected:
        reason = f"{len(data)} bytes where {expected} were expected"
        raise DecmpfsError(ERR_DECMPFS_UNIT.format(index=index, reason=reason))
    return data


class DecmpfsFile(io.RawIOBase):
    """The uncompressed content of a type-3, 4, 7 or 8 file, unit by unit (one unit in memory at a time).

    ``tsk_lzvn`` lets TSK decode the type-8 units it can be trusted with (module docstring); without it every
    unit is decoded here. ``units_by_tsk`` counts the units TSK gave.
    """

    def __init__(self, fs: Any, cnid: int, record: Decmpfs, *, tsk_lzvn: bool = True) -> None:
        self._record = record
        self._tsk_lzvn = tsk_lzvn and record.kind == DECMPFS_LZVN_RSRC
        self.units_by_tsk = 0
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None
        self._fork: Any = None
        self._table: list[tuple[int, int]] = []
        if record.kind not in _INLINE:
            self._fork = fs.open_meta(inode=cnid)
            self._table = self._read_lzvn_table() if record.kind in _LZVN else self._read_table()

    def _read_rsrc(self, offset: int, length: int) -> bytes:
        data = self._fork.read_random(offset, length, pytsk3.TSK_FS_ATTR_TYPE_HFS_RSRC, 1)
        if len(data) != length:
            raise DecmpfsError(f"resource fork: {length} bytes at {offset} unreadable")
        return bytes(data)

    def _fork_size(self) -> int:
        return next(
            (int(a.info.size) for a in self._fork if int(a.info.type) == pytsk3.TSK_FS_ATTR_TYPE_HFS_RSRC), 0
        )

    def _read_table(self) -> list[tuple[int, int]]:
        """Type 4: ``(offset, length)`` per unit, in the ``cmpf`` resource after the resource fork header."""
        fork_size = self._fork_size()
        table_start = struct.unpack(">I", self._read_rsrc(0, 4))[0] + 4  # after the resource's length
        (count,) = struct.unpack("<I", self._read_rsrc(table_start, 4))
        units = -(-self._record.size // _UNIT)
        if count < units or table_start + 4 + 8 * count > fork_size:
            raise DecmpfsError(f"resource fork lists {count} units for {self._record.size} bytes")
        raw = self._read_rsrc(table_start + 4, 8 * units)
        return [(table_start + offset, length) for offset, length in struct.iter_unpack("<II", raw)]

    def _read_lzvn_table(self) -> list[tuple[int, int]]:
        """Type 8: each unit's offset and the end of the last, from the fork's start (first: table size)."""
        fork_size = self._fork_size()
        (first,) = struct.unpack("<I", self._read_rsrc(0, 4))
        units = -(-self._record.size // _UNIT)
        if first % 4 or first // 4 - 1 < units or first > fork_size:
            raise DecmpfsError(f"resource fork lists {first // 4 - 1} units for {self._record.size} bytes")
        offsets = [first, *struct.unpack(f"<{units}I", self._read_rsrc(4, 4 * units))]
        if any(not first <= a <= b <= fork_size for a, b in pairwise(offsets)):
            raise DecmpfsError("resource fork's unit offsets are out of order or past its end")
        return [(a, b - a) for a, b in pairwise(offsets)]

    def _unit(self, index: int) -> bytes:
        if self._cached is None or self._cached[0] != index:
            kind = self._record.kind
            if kind in _INLINE:
                data = _decode(kind, self._record.inline, self._record.size, index)
            else:
                offset, length = self._table[index]
                expected = min(_UNIT, self._record.size - index * _UNIT)
                unit = self._read_rsrc(offset, length)
                by_tsk = self._tsk_unit(unit, index, expected) if self._tsk_lzvn else None
                data = _decode(kind, unit, expected, index) if by_tsk is None else by_tsk
            self._cached = (index, data)
        return self._cached[1]

    def _tsk_unit(self, unit: bytes, index: int, expected: int) -> bytes | None:
        """Type-8 unit ``index`` as TSK decodes it, or None when TSK's bytes cannot be trusted whole.

        Stored units are a copy here already. TSK is asked for exactly this unit (a read running into the
        next one would take it at the wrong offset after a short unit) and its bytes are used only when all
        are there and the unit's first copying opcode set its own distance, which Apple's decoder checks.
        """
        if not unit or unit[0] == _LZVN_STORED or lzvn_first_copy(unit) not in LZVN_SETS_DISTANCE:
            return None
        try:
            data = self._fork.read_random(index * _UNIT, expected)
        except OSError:
            return None
        if len(data) != expected:
            return None
        self.units_by_tsk += 1
        return bytes(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._record.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer: Any) -> int:
        if self._pos >= self._record.size:
            return 0
        unit = self._record.size if self._record.kind in _INLINE else _UNIT
        index, skip = divmod(self._pos, unit)
        data = self._unit(index)[skip : skip + len(buffer)]
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


def open_decmpfs(fs: Any, cnid: int, *, tsk_lzvn: bool = True) -> DecmpfsFile:
    """A reader over the uncompressed content of a type-3, 4, 7 or 8 file (``tsk_lzvn``: ``DecmpfsFile``)."""
    record = find_decmpfs(fs, cnid)
    if record is None or record.kind not in DECMPFS_READ_BY_SCANNER:
        raise DecmpfsError(ERR_DECMPFS_RECORD.format(reason="no zlib or LZVN compression record"))
    return DecmpfsFile(fs, cnid, record, tsk_lzvn=tsk_lzvn)
