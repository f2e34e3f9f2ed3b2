"""HFS+ volumes written by the tests to Apple TN1150 (no tool here makes HFS+: hfsprogs is not in the Debian
mirror, and hfsutils makes classic HFS, which TSK does not read).

Block size 4096; block 0 holds the boot blocks and the volume header at 1024, then the allocation file, the
extents-overflow B-tree (header node only: every fork fits in its eight catalog extents), the attributes
B-tree, the catalog B-tree (each: header node, leaf nodes, one index node when there is more than one leaf),
the data forks and then the resource forks in contiguous extents, and the alternate volume header 1024 bytes
from the end.

Compressed files are written as macOS writes them (xnu ``bsd/sys/decmpfs.h``, AppleFSCompression): the data
fork is empty, the catalog record carries ``UF_COMPRESSED`` in its BSD owner flags, and an inline extended
attribute ``com.apple.decmpfs`` (attributes B-tree) holds a little-endian header (magic ``fpmc``, type,
uncompressed size) followed, for type 3, by the zlib stream itself, or, for type 4, by nothing: the zlib data
is then in the resource fork, as one resource of type ``cmpf`` whose data starts with a table of 64 KiB
compression units. A unit that zlib does not shrink is stored as ``0xFF`` and the plain bytes. LZVN (the
tests' encoder, ``triage_lzvn``) is type 7 when inline in the attribute, and type 8 in the resource fork,
which then holds no resource fork header or map: it starts with a little-endian table of 32-bit offsets, one
per 64 KiB unit and one for the end of the last (so the first offset is the table's size), and the units
follow. An LZVN unit that does not shrink is stored as ``0x06`` (end-of-stream, which no stream starts with)
and the plain bytes.

Deleted files are left as macOS leaves them: the file and thread records are removed from the catalog B-tree
(the folder's valence and the volume's file count go down), the fork's blocks are freed in the allocation
file, and the content stays in those blocks until something reuses them.
"""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

from triage_lzvn import lzvn_unit

_HFS_BLOCK = 4096
_HFS_NODE = 4096  # TN1150: catalog nodes are at least 4 KiB; one node per block keeps the layout simple
_HFS_EPOCH = datetime(1904, 1, 1, tzinfo=UTC)
_HFS_ROOT_PARENT, _HFS_ROOT = 1, 2  # catalog node IDs; 3-15 are Apple's special files
_HFS_FIRST_USER_ID = 16
_HFS_FOLDER, _HFS_FILE, _HFS_FOLDER_THREAD, _HFS_FILE_THREAD = 1, 2, 3, 4
_HFS_LEAF, _HFS_INDEX, _HFS_HEADER = -1, 0, 1
_HFS_THREAD_EXISTS, _HFS_HAS_ATTRIBUTES = 0x0002, 0x0004  # catalog file record flags
_HFS_BIG_KEYS, _HFS_VARIABLE_INDEX_KEYS = 0x2, 0x4
_HFS_CASE_FOLDING, _HFS_BINARY_COMPARE = 0xCF, 0xBC
_HFS_CATALOG_NODES, _HFS_ATTRIBUTES_NODES = 8, 4
_HFS_CATALOG_MAX_KEY, _HFS_ATTRIBUTES_MAX_KEY = 516, 266

# decmpfs (xnu bsd/sys/decmpfs.h) and the flag chflags(2) calls UF_COMPRESSED (the BSD info's ownerFlags).
UF_COMPRESSED = 0x20
DECMPFS_ZLIB_ATTR, DECMPFS_ZLIB_RSRC = 3, 4
DECMPFS_LZVN_ATTR, DECMPFS_LZVN_RSRC = 7, 8
_DECMPFS_MAGIC = b"fpmc"  # 'cmpf' as a little-endian 32-bit number
_DECMPFS_UNIT = 64 << 10  # uncompressed bytes per compression unit of a type-4 resource fork
_ATTR_INLINE_DATA = 0x10  # kHFSPlusAttrInlineData


def _hfs_time(moment: datetime) -> int:
    return int((moment - _HFS_EPOCH).total_seconds())


def _hfs_fork(logical: int, start: int, blocks: int) -> bytes:
    extents = struct.pack(">II", start, blocks) if blocks else b""
    return struct.pack(">QII", logical, _HFS_BLOCK, blocks) + extents.ljust(64, b"\0")


def _hfs_name(name: str) -> bytes:
    utf16 = name.encode("utf-16-be")
    return struct.pack(">H", len(utf16) // 2) + utf16


def _hfs_key(parent: int, name: str) -> bytes:
    body = struct.pack(">I", parent) + _hfs_name(name)
    return struct.pack(">H", len(body)) + body


def _hfs_node(kind: int, height: int, records: list[bytes], flink: int = 0) -> bytes:
    """A B-tree node: descriptor, records from offset 14, their offsets (and the free space's) at the end."""
    node = bytearray(_HFS_NODE)
    struct.pack_into(">IIbBHH", node, 0, flink, 0, kind, height, len(records), 0)
    offset = 14
    offsets = []
    for record in records:
        node[offset : offset + len(record)] = record
        offsets.append(offset)
        offset += len(record)
    offsets.append(offset)
    assert offset + 2 * len(offsets) <= _HFS_NODE, "records overflow the node"
    for i, value in enumerate(offsets):
        struct.pack_into(">H", node, _HFS_NODE - 2 * (i + 1), value)
    return bytes(node)


def _hfs_header_node(
    *,
    depth: int,
    root: int,
    leaf_records: int,
    first_leaf: int,
    last_leaf: int,
    nodes: int,
    used: int,
    max_key: int,
    compare: int = 0,
) -> bytes:
    attributes = _HFS_BIG_KEYS | (_HFS_VARIABLE_INDEX_KEYS if max_key > 10 else 0)  # the extents tree: fixed
    header = struct.pack(
        ">HIIIIHHIIHIBBI64x",
        depth,
        root,
        leaf_records,
        first_leaf,
        last_leaf,
        _HFS_NODE,
        max_key,
        nodes,
        nodes - used,
        0,
        _HFS_NODE,
        0,  # btreeType: HFS B-tree
        compare,
        attributes,
    )
    map_size = _HFS_NODE - 14 - 106 - 128 - 4 * 2
    node_map = bytearray(map_size)
    for n in range(used):
        node_map[n // 8] |= 0x80 >> (n % 8)
    return _hfs_node(_HFS_HEADER, 0, [header, bytes(128), bytes(node_map)])


type _SortKey = tuple[int, list[int]]


def _hfs_btree(records: list[tuple[_SortKey, bytes]], *, nodes: int, max_key: int, compare: int = 0) -> bytes:
    """A whole B-tree file of ``nodes`` nodes: header node, the records in key order packed into leaf nodes
    (node 1 onwards), and one index node over the leaves when there is more than one."""
    records = sorted(records, key=lambda r: r[0])
    leaves: list[list[bytes]] = [[]] if records else []
    room = _HFS_NODE - 14 - 2
    for _, record in records:
        if sum(len(r) + 2 for r in leaves[-1]) + len(record) + 2 > room:
            leaves.append([])
        leaves[-1].append(record)
    built: list[bytes] = []
    for i, leaf in enumerate(leaves):
        node = bytearray(_hfs_node(_HFS_LEAF, 1, leaf, i + 2 if i + 1 < len(leaves) else 0))
        struct.pack_into(">I", node, 4, i)  # bLink: the previous leaf (leaf i is node i + 1)
        built.append(bytes(node))
    if len(leaves) > 1:
        pointers = []
        for i, leaf in enumerate(leaves):
            key_length = struct.unpack_from(">H", leaf[0])[0]
            pointers.append(leaf[0][: 2 + key_length] + struct.pack(">I", i + 1))
        built.append(_hfs_node(_HFS_INDEX, 2, pointers))
    assert len(built) + 1 <= nodes, "too many records for the fixed B-tree size"
    header = _hfs_header_node(
        depth=2 if len(leaves) > 1 else len(leaves),
        root=len(built) if len(leaves) > 1 else len(leaves),
        leaf_records=len(records),
        first_leaf=1 if leaves else 0,
        last_leaf=len(leaves),
        nodes=nodes,
        used=len(built) + 1,
        max_key=max_key,
        compare=compare,
    )
    return b"".join([header, *built]).ljust(nodes * _HFS_NODE, b"\0")


def _hfs_common(
    record_type: int, flags: int, count_or_zero: int, cnid: int, stamp: int, mode: int, owner_flags: int = 0
) -> bytes:
    dates = struct.pack(">IIIII", stamp, stamp, stamp, stamp, 0)  # create, content, attribute, access, backup
    bsd = struct.pack(">IIBBHI", 501, 20, 0, owner_flags, mode, 0)  # owner, group, admin/owner flags, mode
    return struct.pack(">hHII", record_type, flags, count_or_zero, cnid) + dates + bsd + bytes(32) + bytes(8)


def _zlib_unit(data: bytes) -> bytes:
    """One decmpfs zlib unit: the zlib stream, or ``0xFF`` and the bytes when zlib would not shrink them."""
    packed = zlib.compress(data, 9)
    return packed if len(packed) < len(data) + 1 else b"\xff" + data


def decmpfs_attribute(data: bytes, kind: int) -> bytes:
    """The value of ``com.apple.decmpfs``: header, then the compressed content when it is inline (type 3 or
    7)."""
    header = _DECMPFS_MAGIC + struct.pack("<IQ", kind, len(data))
    inline = {DECMPFS_ZLIB_ATTR: _zlib_unit, DECMPFS_LZVN_ATTR: lzvn_unit}.get(kind)
    return header + (inline(data) if inline else b"")


def decmpfs_resource_fork(data: bytes) -> bytes:
    """A type-4 resource fork: the resource fork header, one ``cmpf`` resource (a little-endian table of
    ``(offset, length)`` per 64 KiB unit, offsets from the table's start, then the units) and the map."""
    units = [_zlib_unit(data[i : i + _DECMPFS_UNIT]) for i in range(0, len(data), _DECMPFS_UNIT)]
    table = struct.pack("<I", len(units))
    offset = 4 + 8 * len(units)
    for unit in units:
        table += struct.pack("<II", offset, len(unit))
        offset += len(unit)
    resource = table + b"".join(units)
    data_offset, data_length, map_length = 0x100, 4 + len(resource), 50
    header = struct.pack(">IIII", data_offset, data_offset + data_length, data_length, map_length)
    # Resource map: a copy of the header, next-map handle, file reference, attributes, offsets of the type
    # list (28) and of the name list (none: the map's end); one type 'cmpf' with one resource, ID 1.
    resource_map = header + struct.pack(">IHHHH", 0, 0, 0, 28, map_length)
    resource_map += struct.pack(">H4sHH", 0, b"cmpf", 0, 10) + struct.pack(">HHI4x", 1, 0xFFFF, 0)
    assert len(resource_map) == map_length
    return header.ljust(data_offset, b"\0") + struct.pack(">I", len(resource)) + resource + resource_map


def decmpfs_lzvn_resource_fork(data: bytes) -> bytes:
    """A type-8 resource fork: the little-endian offsets of the 64 KiB LZVN units and of their end, from the
    fork's start, then the units (no resource fork header or map, unlike type 4)."""
    units = [lzvn_unit(data[i : i + _DECMPFS_UNIT]) for i in range(0, len(data), _DECMPFS_UNIT)]
    offsets = [4 * (len(units) + 1)]
    for unit in units:
        offsets.append(offsets[-1] + len(unit))
    return struct.pack(f"<{len(offsets)}I", *offsets) + b"".join(units)


def _attribute_record(cnid: int, name: str, value: bytes) -> tuple[_SortKey, bytes]:
    """An attributes B-tree leaf record (TN1150 HFSPlusAttrKey and HFSPlusAttrData, inline data)."""
    utf16 = name.encode("utf-16-be")
    key = struct.pack(">HHIIH", 12 + len(utf16), 0, cnid, 0, len(utf16) // 2) + utf16
    body = struct.pack(">IIII", _ATTR_INLINE_DATA, 0, 0, len(value)) + value  # type, reserved[2], size
    record = key + body
    units = list(struct.unpack(f">{len(utf16) // 2}H", utf16))
    return (cnid, units), record + b"\0" * (len(record) % 2)


def hfsplus_image(
    out: Path,
    files: dict[str, bytes],
    *,
    volume: str = "CARD",
    moment: datetime = datetime(2024, 5, 17, 14, 30, 12, tzinfo=UTC),
    case_sensitive: bool = False,
    size: int = 4 << 20,
    resource_forks: dict[str, bytes] | None = None,
    compressed: dict[str, int] | None = None,
    delete: tuple[str, ...] = (),
) -> Path:
    """HFS+ (signature ``H+``, version 4, case-insensitive) holding ``files`` (``/DIR/name``; folders are
    created as needed); with ``case_sensitive``, HFSX (``HX``, version 5, binary key order).

    ``resource_forks`` gives files of ``files`` a resource fork (contiguous, after the data forks).
    ``compressed`` maps files of ``files`` to a decmpfs type, 3 (zlib inline in the attribute), 4 (zlib in
    the resource fork), 7 (LZVN inline) or 8 (LZVN in the resource fork); their content is what ``files``
    gives, stored compressed. Any other type is written as its header alone, the content nowhere: a file of
    a compression the reader has no decoder for.
    ``delete`` removes files of ``files`` from the catalog after their content is written (module docstring).
    """
    resource_forks = dict(resource_forks or {})
    compressed = compressed or {}
    assert set(resource_forks) | set(compressed) | set(delete) <= set(files), (
        "paths must be files of the volume"
    )
    assert not set(compressed) & set(resource_forks), "a type-4 or 8 file's resource fork holds its content"
    total = size // _HFS_BLOCK
    assert total <= 8 * _HFS_BLOCK, "one allocation-file block maps 32,768 blocks"
    # HFS+ stores names in Unicode decomposed form and folds case with Apple's table; ASCII needs neither.
    assert all(path.isascii() for path in files), "ASCII names only"
    stamp = _hfs_time(moment)
    # Folders and files get catalog node IDs in path order; parents before children.
    ids: dict[str, int] = {"": _HFS_ROOT}
    folders: list[str] = []
    for path in sorted(files):
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            folder = "/".join(parts[:i])
            if folder not in ids:
                ids[folder] = _HFS_FIRST_USER_ID + len(ids) - 1
                folders.append(folder)
    for path in sorted(files):
        ids[path.strip("/")] = _HFS_FIRST_USER_ID + len(ids) - 1

    def parent_of(item: str) -> tuple[int, str]:
        head, _, name = item.rpartition("/")
        return ids[head], name

    # Fixed layout: volume header block, allocation file, extents tree, attributes tree, catalog.
    alloc_start, extents_start, attributes_start = 1, 2, 3
    catalog_start = attributes_start + _HFS_ATTRIBUTES_NODES
    next_block = catalog_start + _HFS_CATALOG_NODES
    image = bytearray(size)
    freed: set[int] = set()
    attributes: list[tuple[_SortKey, bytes]] = []
    for path, kind in compressed.items():
        attributes.append(
            _attribute_record(ids[path.strip("/")], "com.apple.decmpfs", decmpfs_attribute(files[path], kind))
        )
        if kind == DECMPFS_ZLIB_RSRC:
            resource_forks[path] = decmpfs_resource_fork(files[path])
        elif kind == DECMPFS_LZVN_RSRC:
            resource_forks[path] = decmpfs_lzvn_resource_fork(files[path])

    def write_fork(path: str, data: bytes) -> bytes:
        nonlocal next_block
        blocks = -(-len(data) // _HFS_BLOCK)
        assert next_block + blocks < total, "volume too small for the files"
        image[next_block * _HFS_BLOCK : next_block * _HFS_BLOCK + len(data)] = data
        if path in delete:
            freed.update(range(next_block, next_block + blocks))
        fork = _hfs_fork(len(data), next_block if blocks else 0, blocks)
        next_block += blocks
        return fork

    forks = {p.strip("/"): write_fork(p, b"" if p in compressed else d) for p, d in files.items()}
    rsrc = {p.strip("/"): write_fork(p, d) for p, d in resource_forks.items()}
    kept = [item for item in forks if f"/{item}" not in delete]

    children: dict[int, int] = {}
    for item in [*folders, *kept]:
        parent, _ = parent_of(item)
        children[parent] = children.get(parent, 0) + 1
    # Leaf records: (sort key, bytes). Threads have an empty name, so they sort first among their CNID's keys.
    records: list[tuple[_SortKey, bytes]] = []

    def order(parent: int, name: str) -> _SortKey:
        units = list(struct.unpack(f">{len(name)}H", name.encode("utf-16-be")))
        if not case_sensitive:  # FastUnicodeCompare folds case (ASCII names here: A-Z to a-z)
            units = [u + 32 if 0x41 <= u <= 0x5A else u for u in units]
        return parent, units

    def add(parent: int, name: str, body: bytes) -> None:
        records.append((order(parent, name), _hfs_key(parent, name) + body))

    def folder_record(cnid: int) -> bytes:
        return _hfs_common(_HFS_FOLDER, 0, children.get(cnid, 0), cnid, stamp, 0o040755)

    add(_HFS_ROOT_PARENT, volume, folder_record(_HFS_ROOT))
    add(_HFS_ROOT, "", struct.pack(">hhI", _HFS_FOLDER_THREAD, 0, _HFS_ROOT_PARENT) + _hfs_name(volume))
    for folder in folders:
        parent, name = parent_of(folder)
        add(parent, name, folder_record(ids[folder]))
        add(ids[folder], "", struct.pack(">hhI", _HFS_FOLDER_THREAD, 0, parent) + _hfs_name(name))
    for item in kept:
        parent, name = parent_of(item)
        if f"/{item}" in compressed:  # the decmpfs attribute is an extended attribute of the file
            flags, owner_flags = _HFS_THREAD_EXISTS | _HFS_HAS_ATTRIBUTES, UF_COMPRESSED
        else:
            flags, owner_flags = _HFS_THREAD_EXISTS, 0
        common = _hfs_common(_HFS_FILE, flags, 0, ids[item], stamp, 0o100644, owner_flags)
        add(parent, name, common + forks[item] + rsrc.get(item, _hfs_fork(0, 0, 0)))
        add(ids[item], "", struct.pack(">hhI", _HFS_FILE_THREAD, 0, parent) + _hfs_name(name))

    compare = _HFS_BINARY_COMPARE if case_sensitive else _HFS_CASE_FOLDING
    trees = [
        (
            catalog_start,
            _hfs_btree(records, nodes=_HFS_CATALOG_NODES, max_key=_HFS_CATALOG_MAX_KEY, compare=compare),
        ),
        (extents_start, _hfs_btree([], nodes=1, max_key=10)),
        (
            attributes_start,
            _hfs_btree(attributes, nodes=_HFS_ATTRIBUTES_NODES, max_key=_HFS_ATTRIBUTES_MAX_KEY),
        ),
    ]
    for start, tree in trees:
        image[start * _HFS_BLOCK : start * _HFS_BLOCK + len(tree)] = tree

    # Allocation bitmap: everything up to the last fork block but freed ones, and the alternate volume header.
    bitmap = alloc_start * _HFS_BLOCK
    used_blocks = [*(b for b in range(next_block) if b not in freed), total - 1]
    for block in used_blocks:
        image[bitmap + block // 8] |= 0x80 >> (block % 8)

    header = bytearray(512)
    struct.pack_into(
        ">2sHIIIIIIIIIIIIIIIIIQ",
        header,
        0,
        b"HX" if case_sensitive else b"H+",
        5 if case_sensitive else 4,
        0x100,  # kHFSVolumeUnmountedBit: cleanly unmounted
        int.from_bytes(b"10.0", "big"),
        0,  # no journal
        stamp,
        stamp,
        0,
        stamp,
        len(kept),
        len(folders),
        _HFS_BLOCK,
        total,
        total - len(used_blocks),
        next_block,
        _HFS_BLOCK,
        _HFS_BLOCK,
        _HFS_FIRST_USER_ID + len(ids) - 1,  # nextCatalogID
        1,
        1,  # encodingsBitmap: MacRoman
    )
    header[112:192] = _hfs_fork(_HFS_BLOCK, alloc_start, 1)
    header[192:272] = _hfs_fork(_HFS_NODE, extents_start, 1)
    header[272:352] = _hfs_fork(_HFS_CATALOG_NODES * _HFS_NODE, catalog_start, _HFS_CATALOG_NODES)
    header[352:432] = _hfs_fork(_HFS_ATTRIBUTES_NODES * _HFS_NODE, attributes_start, _HFS_ATTRIBUTES_NODES)
    image[1024:1536] = header
    image[size - 1024 : size - 512] = header
    out.write_bytes(bytes(image))
    return out
